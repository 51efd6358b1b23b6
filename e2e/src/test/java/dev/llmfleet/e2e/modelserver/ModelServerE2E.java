package dev.llmfleet.e2e.modelserver;

import static dev.llmfleet.e2e.support.Statuses.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.ModelServers;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ModelServers on the real control plane: placement on the right (fake) GPU nodes, and honest
 * status.
 */
@ExtendWith(LlmFleetExtension.class)
class ModelServerE2E {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final TestNamespace namespace;
  private final ModelServers servers;

  ModelServerE2E(TestNamespace namespace) {
    this.namespace = namespace;
    this.servers = new ModelServers(namespace);
  }

  @Test
  void vllmWithTwoH100sLandsOnTheH100NodeAndBecomesReady() {
    servers.create(
        servers.fromUri(
            "vllm-h100",
            Runtime.VLLM,
            "hf://Qwen/Qwen2.5-7B-Instruct",
            2,
            "NVIDIA-H100-80GB-HBM3"));

    ModelServer ready = servers.awaitPhase("vllm-h100", ModelServerPhase.Ready);

    assertThat(ready.getStatus().getEndpoint())
        .isEqualTo("http://vllm-h100." + namespace.name() + ".svc.cluster.local:8000/v1");
    assertThat(ready.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(condition(ready, "Scheduled").getStatus()).isEqualTo("True");
    assertThat(namespace.podsOf("vllm-h100"))
        .singleElement()
        .satisfies(pod -> assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-h100-0"));
    Deployment deployment = namespace.get("vllm-h100", Deployment.class);
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getArgs()).containsSubsequence("--tensor-parallel-size", "2");
    assertThat(container.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("2"));
    assertThat(namespace.get("vllm-h100", Service.class).getSpec().getPorts().get(0).getPort())
        .isEqualTo(8000);
  }

  @Test
  void tgiOnA10gLandsOnTheA10Node() {
    servers.create(
        servers.fromUri(
            "tgi-a10", Runtime.TGI, "hf://Qwen/Qwen2.5-0.5B-Instruct", 1, "NVIDIA-A10G"));

    servers.awaitPhase("tgi-a10", ModelServerPhase.Ready);

    assertThat(namespace.podsOf("tgi-a10"))
        .singleElement()
        .satisfies(pod -> assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-a10-0"));
  }

  @Test
  void llamaCppWithoutGpusLandsOnTheCpuNode() {
    servers.create(
        servers.fromUri(
            "llama-cpu", Runtime.LLAMA_CPP, "hf://bartowski/Llama-3.2-1B-Instruct-GGUF", 0, null));

    servers.awaitPhase("llama-cpu", ModelServerPhase.Ready);

    assertThat(namespace.podsOf("llama-cpu"))
        .singleElement()
        .satisfies(pod -> assertThat(pod.getSpec().getNodeName()).isEqualTo("cpu-0"));
  }

  @Test
  void sixteenGpusCannotBeScheduledAndSaySoWithTheSchedulersMessage() {
    servers.create(
        servers.fromUri("too-big", Runtime.VLLM, "hf://Qwen/Qwen2.5-72B-Instruct", 16, null));

    ModelServer pending = servers.awaitPhase("too-big", ModelServerPhase.Pending);

    Condition scheduled = condition(pending, "Scheduled");
    assertThat(scheduled.getStatus()).isEqualTo("False");
    assertThat(scheduled.getReason()).isEqualTo("Unschedulable");
    assertThat(scheduled.getMessage()).contains("Insufficient nvidia.com/gpu");
    assertThat(condition(pending, "Ready").getStatus()).isEqualTo("False");
  }

  @Test
  void unknownGpuTypeCannotBeScheduled() {
    servers.create(
        servers.fromUri(
            "no-such-gpu", Runtime.VLLM, "hf://Qwen/Qwen2.5-7B-Instruct", 1, "NVIDIA-B300"));

    ModelServer pending = servers.awaitPhase("no-such-gpu", ModelServerPhase.Pending);

    assertThat(condition(pending, "Scheduled").getStatus()).isEqualTo("False");
    assertThat(condition(pending, "Scheduled").getMessage()).contains("node affinity/selector");
  }

  @Test
  void waitsForItsDownloadThenStartsAsSoonAsItSucceeds() {
    namespace
        .client()
        .resource(SmallDownload.of(namespace.name(), "weights", "model.gguf"))
        .create();
    ModelServer server = servers.fromUri("waiting", Runtime.LLAMA_CPP, null, 0, null);
    server
        .getSpec()
        .setModel(
            ModelSource.builder().downloadRef(new LocalRef("weights")).file("model.gguf").build());
    servers.create(server);

    ModelServer waiting = servers.awaitPhase("waiting", ModelServerPhase.WaitingForModel);
    assertThat(condition(waiting, "ModelAvailable").getReason()).isEqualTo("WaitingForDownload");
    assertThat(condition(waiting, "ModelAvailable").getMessage()).contains("Download weights");
    assertThat(namespace.get("waiting", Deployment.class)).isNull();

    DownloaderReports.verified(namespace, "weights", "weights-run-1");

    servers.awaitPhase("waiting", ModelServerPhase.Ready);
    var pod = namespace.get("waiting", Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .map(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactly("weights-data");
    assertThat(pod.getContainers().get(0).getArgs())
        .containsSubsequence("-m", "/models/model.gguf");
  }

  @Test
  void scalesThroughTheScaleSubresource() {
    servers.create(
        servers.fromUri(
            "scaled", Runtime.LLAMA_CPP, "hf://bartowski/Llama-3.2-1B-Instruct-GGUF", 0, null));
    servers.awaitPhase("scaled", ModelServerPhase.Ready);

    Cluster.Result scaled = namespace.kubectl("scale", "ms/scaled", "--replicas=3");

    assertThat(scaled.exitCode()).as(scaled.output()).isZero();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ModelServer server = namespace.get("scaled", ModelServer.class);
              assertThat(server.getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready);
              assertThat(server.getStatus().getReadyReplicas()).isEqualTo(3);
              assertThat(server.getStatus().getReadiness()).isEqualTo("3/3");
            });
    assertThat(namespace.podsOf("scaled")).hasSize(3);
  }

  @Test
  void specChangeRollsTheDeploymentAndSettlesReadyAgain() {
    servers.create(
        servers.fromUri(
            "rolled", Runtime.LLAMA_CPP, "hf://bartowski/Llama-3.2-1B-Instruct-GGUF", 0, null));
    servers.awaitPhase("rolled", ModelServerPhase.Ready);
    long generation = namespace.get("rolled", Deployment.class).getMetadata().getGeneration();

    namespace
        .client()
        .resources(ModelServer.class)
        .inNamespace(namespace.name())
        .withName("rolled")
        .edit(
            server -> {
              server.getSpec().setArgs(List.of("--ctx-size", "4096"));
              return server;
            });

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ModelServer server = namespace.get("rolled", ModelServer.class);
              assertThat(server.getStatus().getObservedGeneration())
                  .isEqualTo(server.getMetadata().getGeneration());
              assertThat(server.getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready);
              assertThat(namespace.get("rolled", Deployment.class).getMetadata().getGeneration())
                  .isGreaterThan(generation);
              assertThat(namespace.podsOf("rolled"))
                  .singleElement()
                  .satisfies(
                      pod ->
                          assertThat(pod.getSpec().getContainers().get(0).getArgs())
                              .containsSubsequence("--ctx-size", "4096"));
            });
  }

  @Test
  void deletingTheServerRemovesDeploymentServiceAndPods() {
    servers.create(
        servers.fromUri(
            "deleted", Runtime.LLAMA_CPP, "hf://bartowski/Llama-3.2-1B-Instruct-GGUF", 0, null));
    servers.awaitPhase("deleted", ModelServerPhase.Ready);

    namespace
        .client()
        .resources(ModelServer.class)
        .inNamespace(namespace.name())
        .withName("deleted")
        .delete();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(namespace.get("deleted", Deployment.class)).isNull();
              assertThat(namespace.get("deleted", Service.class)).isNull();
              assertThat(namespace.podsOf("deleted")).isEmpty();
            });
  }

  @Test
  void kubectlGetShowsRuntimeModelGpusReadyPhaseAndEndpoint() {
    servers.create(
        servers.fromUri(
            "listed", Runtime.VLLM, "hf://Qwen/Qwen2.5-7B-Instruct", 1, "NVIDIA-H100-80GB-HBM3"));
    servers.awaitPhase("listed", ModelServerPhase.Ready);

    String table = namespace.kubectl("get", "ms", "listed").output();

    assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "RUNTIME", "MODEL", "GPUS", "READY", "PHASE", "ENDPOINT", "AGE");
    assertThat(table)
        .contains(
            "vllm",
            "hf://Qwen/Qwen2.5-7B-Instruct",
            "1/1",
            "Ready",
            "http://listed." + namespace.name() + ".svc.cluster.local:8000/v1");
  }
}
