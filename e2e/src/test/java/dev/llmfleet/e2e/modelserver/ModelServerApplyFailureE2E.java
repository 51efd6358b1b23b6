package dev.llmfleet.e2e.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.SmallServer;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When the API server refuses the server's objects, the ModelServer says so instead of keeping
 * quiet.
 */
@ExtendWith(LlmFleetExtension.class)
class ModelServerApplyFailureE2E {

  @Test
  void refusedServiceShowsInTheConditions(TestNamespace namespace) {
    namespace
        .client()
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("no-services")
                .withNamespace(namespace.name())
                .endMetadata()
                .withNewSpec()
                .addToHard("services", new Quantity("0"))
                .endSpec()
                .build())
        .create();
    namespace.client().resource(SmallServer.named(namespace.name(), "refused")).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              ModelServer current = namespace.get("refused", ModelServer.class);
              assertThat(current.getStatus()).as("status").isNotNull();
              assertThat(current.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("Ready");
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("ApplyFailed");
                        assertThat(c.getMessage()).contains("exceeded quota");
                      });
            });
  }
}
