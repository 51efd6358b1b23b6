package dev.llmfleet.e2e.support;

import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.Resources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;

/**
 * The ModelServers of one test namespace: made with 1 CPU and 2Gi, created, awaited and removed.
 * Their Deployment and pods are looked up through {@link TestNamespace}, their conditions through
 * {@link Statuses}.
 */
public final class ModelServers {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final TestNamespace namespace;

  public ModelServers(TestNamespace namespace) {
    this.namespace = namespace;
  }

  /** A server of the model at {@code uri}; a null uri leaves spec.model for the test to set. */
  public ModelServer fromUri(String name, Runtime runtime, String uri, int gpus, String gpuType) {
    return server(
        name, runtime, uri == null ? null : ModelSource.builder().uri(uri).build(), gpus, gpuType);
  }

  /** A server of the model in the Download named {@code download}. */
  public ModelServer fromDownload(
      String name, Runtime runtime, String download, int gpus, String gpuType) {
    return server(
        name,
        runtime,
        ModelSource.builder().downloadRef(new LocalRef(download)).build(),
        gpus,
        gpuType);
  }

  private ModelServer server(
      String name, Runtime runtime, ModelSource model, int gpus, String gpuType) {
    ModelServer server = new ModelServer();
    server.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(namespace.name()).build());
    server.setSpec(
        ModelServerSpec.builder()
            .runtime(runtime)
            .model(model)
            .resources(
                Resources.builder()
                    .gpus(gpus)
                    .gpuType(gpuType)
                    .cpu(new Quantity("1"))
                    .memory(new Quantity("2Gi"))
                    .build())
            .build());
    return server;
  }

  public void create(ModelServer server) {
    namespace.client().resource(server).create();
  }

  /** Waits until the server is in {@code phase}, as the operator saw its current generation. */
  public ModelServer awaitPhase(String name, ModelServerPhase phase) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> namespace.get(name, ModelServer.class),
            s ->
                s != null
                    && s.getStatus() != null
                    && s.getStatus().getPhase() == phase
                    && s.getMetadata()
                        .getGeneration()
                        .equals(s.getStatus().getObservedGeneration()));
  }

  /**
   * The GPU nodes are small (gpu-h100-0 has 8 GPUs, gpu-a10-0 one): a test that passed removes its
   * servers and waits for their pods to go, so that the next test and the next class find the nodes
   * free. A failed one leaves them for the namespace dump of LlmFleetExtension.
   */
  public void removeAll() {
    namespace.client().resources(ModelServer.class).inNamespace(namespace.name()).delete();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                namespace
                    .client()
                    .pods()
                    .inNamespace(namespace.name())
                    .withLabel("app.kubernetes.io/component", "model-server")
                    .list()
                    .getItems()
                    .isEmpty());
  }
}
