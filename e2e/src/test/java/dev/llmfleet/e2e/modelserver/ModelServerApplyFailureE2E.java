package dev.llmfleet.e2e.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** When the API server refuses the server's objects, the ModelServer says so instead of keeping quiet. */
@ExtendWith(LlmFleetExtension.class)
class ModelServerApplyFailureE2E {

  @Test
  void refusedServiceShowsInTheConditions(TestNamespace namespace) {
    namespace.client().resource(new ResourceQuotaBuilder()
        .withNewMetadata().withName("no-services").withNamespace(namespace.name()).endMetadata()
        .withNewSpec().addToHard("services", new Quantity("0")).endSpec().build()).create();
    ModelServer server = new ModelServer();
    server.setMetadata(new ObjectMetaBuilder().withName("refused").withNamespace(namespace.name()).build());
    server.setSpec(ModelServerSpec.builder()
        .runtime(Runtime.LLAMA_CPP)
        .model(ModelSource.builder().uri("hf://bartowski/Llama-3.2-1B-Instruct-GGUF").build())
        .resources(Resources.builder().gpus(0).build())
        .build());
    namespace.client().resource(server).create();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      ModelServer current = namespace.client().resources(ModelServer.class).inNamespace(namespace.name())
          .withName("refused").get();
      assertThat(current.getStatus()).as("status").isNotNull();
      assertThat(current.getStatus().getConditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Ready");
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("ApplyFailed");
        assertThat(c.getMessage()).contains("exceeded quota");
      });
    });
  }
}
