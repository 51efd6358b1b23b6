package dev.llmfleet.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the CRDs promise beyond validation: immutability, the scale subresource, printer columns,
 * defaults.
 */
@ExtendWith(LlmFleetExtension.class)
class ApiBehaviourIT {

  private final TestNamespace namespace;

  ApiBehaviourIT(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @Test
  void downloadSourceCannotChangeAfterCreation() {
    namespace.client().resource(load("download-http.yaml", Download.class)).create();

    Cluster.Result patched =
        namespace.kubectl(
            "patch",
            "download/llama-3-2-1b-gguf",
            "--type=merge",
            "-p",
            "{\"spec\":{\"source\":{\"http\":{\"url\":\"https://example.org/other.gguf\"}}}}");

    assertThat(patched.exitCode()).isNotZero();
    assertThat(patched.output())
        .contains("spec.source: Invalid value", "spec.source is immutable: create a new Download");
  }

  @Test
  void downloadStorageCannotChangeAfterCreation() {
    Download download = load("download-huggingface.yaml", Download.class);
    download.getMetadata().setName("storage-immutable");
    namespace.client().resource(download).create();

    Cluster.Result patched =
        namespace.kubectl(
            "patch",
            "download/storage-immutable",
            "--type=merge",
            "-p",
            "{\"spec\":{\"storage\":{\"size\":\"80Gi\"}}}");

    assertThat(patched.exitCode()).isNotZero();
    assertThat(patched.output()).contains("spec.storage is immutable: create a new Download");
  }

  @Test
  void downloadKeepsOtherSpecFieldsEditable() {
    Download download = load("download-http.yaml", Download.class);
    download.getMetadata().setName("editable");
    namespace.client().resource(download).create();

    Cluster.Result patched =
        namespace.kubectl(
            "patch", "download/editable", "--type=merge", "-p", "{\"spec\":{\"backoffLimit\":10}}");

    assertThat(patched.exitCode()).as(patched.output()).isZero();
  }

  @Test
  void schemaDefaultsAreAppliedByTheApiServer() {
    ObjectNode minimal =
        (ObjectNode)
            namespace
                .client()
                .getKubernetesSerialization()
                .unmarshal(
                    """
        apiVersion: llmfleet.dev/v1alpha1
        kind: Download
        metadata: {name: defaults}
        spec:
          source: {huggingFace: {repo: Qwen/Qwen2.5-0.5B}}
          storage: {size: 1Gi}
        """,
                    JsonNode.class);
    minimal.with("metadata").put("namespace", namespace.name());

    Download stored =
        namespace
            .client()
            .resource(
                namespace
                    .client()
                    .getKubernetesSerialization()
                    .convertValue(minimal, Download.class))
            .create();

    assertThat(stored.getSpec().getSource().getHuggingFace().getRevision()).isEqualTo("main");
    assertThat(stored.getSpec().getBackoffLimit()).isEqualTo(6);
    assertThat(stored.getSpec().getStallTimeoutSeconds()).isEqualTo(300);
    assertThat(stored.getSpec().getGc().getTtlSecondsAfterFailure()).isEqualTo(86400);
    assertThat(stored.getSpec().getGc().getDeletePartialData()).isTrue();
    assertThat(stored.getSpec().getStorage().getAccessMode().value()).isEqualTo("ReadWriteOnce");
  }

  @Test
  void fineTuneJobSpecIsFrozenOnceARunExists() {
    FineTuneJob job = load("finetunejob.yaml", FineTuneJob.class);
    namespace.client().resource(job).create();
    String name = job.getMetadata().getName();
    String change = "{\"spec\":{\"hyperparameters\":{\"epochs\":5}}}";

    Cluster.Result beforeRuns =
        namespace.kubectl("patch", "finetunejob/" + name, "--type=merge", "-p", change);
    assertThat(beforeRuns.exitCode()).as(beforeRuns.output()).isZero();

    Cluster.Result runStarted =
        namespace.kubectl(
            "patch",
            "finetunejob/" + name,
            "--subresource=status",
            "--type=merge",
            "-p",
            "{\"status\":{\"runs\":[{\"name\":\"" + name + "-run-1\",\"attempt\":1}]}}");
    assertThat(runStarted.exitCode()).as(runStarted.output()).isZero();
    Cluster.Result afterRun =
        namespace.kubectl(
            "patch", "finetunejob/" + name, "--type=merge", "-p", change.replace("5", "7"));

    assertThat(afterRun.exitCode()).isNotZero();
    assertThat(afterRun.output()).contains("spec is immutable once a run has started");
  }

  @Test
  void kubectlExplainDescribesFields() {
    Cluster.Result explained =
        namespace.cluster().kubectl("explain", "download.spec.source.huggingFace.include");

    assertThat(explained.exitCode()).as(explained.output()).isZero();
    assertThat(explained.output()).contains("Glob patterns of repository paths to fetch");
  }

  @Test
  void kubectlScaleChangesModelServerReplicas() {
    ModelServer server = load("modelserver-ollama.yaml", ModelServer.class);
    server.getMetadata().setName("scaled");
    namespace.client().resource(server).create();

    Cluster.Result scaled = namespace.kubectl("scale", "modelserver/scaled", "--replicas=3");

    assertThat(scaled.exitCode()).as(scaled.output()).isZero();
    assertThat(namespace.get("scaled", ModelServer.class).getSpec().getReplicas()).isEqualTo(3);
    // The scale subresource reads status.selector, which the operator sets.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        namespace
                            .kubectl(
                                "get",
                                "--raw",
                                "/apis/llmfleet.dev/v1alpha1/namespaces/"
                                    + namespace.name()
                                    + "/modelservers/scaled/scale")
                            .output())
                    .contains("\"replicas\":3")
                    .contains("app.kubernetes.io/instance=scaled"));
  }

  @Test
  void printerColumnsShowInKubectlGet() {
    Download download = load("download-http.yaml", Download.class);
    download.getMetadata().setName("columns");
    namespace.client().resource(download).create();
    ModelServer server = load("modelserver-llamacpp.yaml", ModelServer.class);
    namespace.client().resource(server).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              String downloads = namespace.kubectl("get", "dl").output();
              assertThat(downloads.lines().findFirst().orElseThrow().split("\\s+"))
                  .containsExactly("NAME", "SOURCE", "PHASE", "PROGRESS", "SIZE", "PARAMS", "AGE");
              // SOURCE and PHASE come from the operator's status: it runs and reconciles.
              assertThat(downloads)
                  .contains("columns", "https://example.org/model.gguf", "Pending");
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              String servers = namespace.kubectl("get", "ms").output();
              assertThat(servers.lines().findFirst().orElseThrow().split("\\s+"))
                  .containsExactly(
                      "NAME", "RUNTIME", "MODEL", "GPUS", "READY", "PHASE", "ENDPOINT", "AGE");
              assertThat(servers)
                  .contains(
                      "llama-gguf",
                      "llamacpp",
                      "llama-3-2-1b-gguf/model-q4_k_m.gguf",
                      "0/1",
                      "WaitingForModel");
            });
    assertThat(namespace.kubectl("get", "llmfleet").output())
        .contains("download.llmfleet.dev/columns", "modelserver.llmfleet.dev/llama-gguf");
  }

  private <T extends CustomResource<?, ?>> T load(String example, Class<T> type) {
    T resource = namespace.load(Cluster.repoFile("examples/api/" + example), type);
    resource.setStatus(null);
    return resource;
  }
}
