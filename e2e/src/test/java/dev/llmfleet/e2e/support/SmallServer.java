package dev.llmfleet.e2e.support;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Resources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * The smallest ModelServer, as the tests and the scale benchmark create them by the dozen:
 * llama.cpp on CPU with 10m and 16Mi, a GGUF from the Hub, one replica.
 */
public final class SmallServer {

  private SmallServer() {}

  public static ModelServer named(String namespace, String name) {
    return build(namespace, name, Map.of());
  }

  /**
   * Its pods go to the nodes labelled {@code key=value}, for example a KWOK node the test added.
   */
  public static ModelServer onNodes(String namespace, String name, String key, String value) {
    return build(namespace, name, Map.of(key, value));
  }

  private static ModelServer build(
      String namespace, String name, Map<String, String> nodeSelector) {
    ModelServer server = new ModelServer();
    server.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    server.setSpec(
        ModelServerSpec.builder()
            .runtime(Runtime.LLAMA_CPP)
            .model(ModelSource.builder().uri("hf://bartowski/Llama-3.2-1B-Instruct-GGUF").build())
            .resources(
                Resources.builder()
                    .gpus(0)
                    .cpu(new Quantity("10m"))
                    .memory(new Quantity("16Mi"))
                    .build())
            .nodeSelector(nodeSelector.isEmpty() ? null : nodeSelector)
            .build());
    return server;
  }
}
