package dev.llmfleet.e2e.modelserver;

import static dev.llmfleet.e2e.support.Statuses.condition;
import static dev.llmfleet.e2e.support.Statuses.conditions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.GpuMemory;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.ModelServers;
import dev.llmfleet.e2e.support.Models;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The GPU-memory fit check on the real control plane: a Download's status.model (written as the
 * downloader writes it), the memory label of the KWOK H100 node (nvidia.com/gpu.memory: 81559 MiB,
 * e2e/cluster/nodes/gpu-h100-0.yaml), and what the operator makes or refuses to make from them.
 */
@ExtendWith(LlmFleetExtension.class)
class ModelServerFitE2E {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String H100 = "NVIDIA-H100-80GB-HBM3";
  private static final long GIB = 1L << 30;
  private static final long MIB = 1L << 20;

  /** The nvidia.com/gpu.memory label of node gpu-h100-0. */
  private static final long H100_MIB = 81559;

  /** 2 (K and V) x 80 layers x 8 KV heads x 128 x 2 bytes x 131072 tokens: 40 GiB. */
  private static final long KV_FULL_CONTEXT = 2L * 80 * 8 * 128 * 2 * 131072;

  private final TestNamespace namespace;
  private final ModelServers servers;

  ModelServerFitE2E(TestNamespace namespace) {
    this.namespace = namespace;
    this.servers = new ModelServers(namespace);
  }

  @Test
  void llama70bInBf16OnOneH100IsRefusedWithTheNumbersAndTheGpuCountThatFits() {
    downloadOfLlama70b("llama-70b-one");
    servers.create(servers.fromDownload("one-h100", Runtime.VLLM, "llama-70b-one", 1, H100));

    ModelServer refused = awaitReason("one-h100", "InsufficientGPUMemory");

    Condition scheduled = condition(refused, "Scheduled");
    System.out.printf(
        "FIT REFUSAL Scheduled=%s %s: %s%n",
        scheduled.getStatus(), scheduled.getReason(), scheduled.getMessage());
    assertThat(scheduled.getStatus()).isEqualTo("False");
    // 131.4 + 40.0 + 1.0 GiB against 0.9 x 81559 MiB; 2 GPUs are too few and 3 do not divide 64
    // attention heads.
    assertThat(scheduled.getMessage())
        .contains(
            "needs 172.4 GiB (weights 131.4 GiB, KV cache 40.0 GiB for 131072 tokens, overhead 1.0 GiB)",
            "1 x 81559 MiB (node label nvidia.com/gpu.memory) give vllm 71.7 GiB",
            "it fits in resources.gpus 4",
            "no pods are made (spec.fitCheck: false skips the check)");
    // Not even the weights fit in one GPU: no shorter context would do.
    assertThat(scheduled.getMessage()).doesNotContain("context length of at most");
    assertThat(refused.getStatus().getPhase()).isEqualTo(ModelServerPhase.Pending);
    assertThat(condition(refused, "Stalled").getStatus()).isEqualTo("True");
    assertThat(condition(refused, "Stalled").getReason()).isEqualTo("InsufficientGPUMemory");
    assertThat(condition(refused, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(refused, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(refused, "ModelAvailable").getStatus()).isEqualTo("True");
    assertThat(refused.getStatus().getGpuMemory()).isEqualTo(expectedMemory(1));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(namespace.events(ModelServer.class, "one-h100"))
                    .anySatisfy(
                        event -> {
                          assertThat(event.getType()).isEqualTo("Warning");
                          assertThat(event.getReason()).isEqualTo("InsufficientGPUMemory");
                          assertThat(event.getMessage())
                              .contains("needs 172.4 GiB", "it fits in resources.gpus 4");
                        }));
    // No pods, then or later.
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                namespace.get("one-h100", Deployment.class) == null
                    && namespace.podsOf("one-h100").isEmpty());
  }

  @Test
  void llama70bInBf16OnFourH100sFitsAndItsPodsLandOnTheH100Node() {
    downloadOfLlama70b("llama-70b-four");
    servers.create(servers.fromDownload("four-h100", Runtime.VLLM, "llama-70b-four", 4, H100));

    ModelServer ready = servers.awaitPhase("four-h100", ModelServerPhase.Ready);

    // The full 131072-token context fits: no --max-model-len is needed on four.
    Condition scheduled = condition(ready, "Scheduled");
    assertThat(scheduled.getStatus()).isEqualTo("True");
    assertThat(scheduled.getReason()).isEqualTo("Scheduled");
    assertThat(scheduled.getMessage())
        .contains(
            "the model fits: it needs 175.4 GiB",
            "4 x 81559 MiB (node label nvidia.com/gpu.memory) give vllm 286.7 GiB");
    assertThat(condition(ready, "Stalled").getStatus()).isEqualTo("False");
    assertThat(ready.getStatus().getGpuMemory()).isEqualTo(expectedMemory(4));
    var container =
        namespace
            .get("four-h100", Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(container.getArgs()).containsSubsequence("--tensor-parallel-size", "4");
    assertThat(container.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("4"));
    assertThat(namespace.podsOf("four-h100"))
        .singleElement()
        .satisfies(pod -> assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-h100-0"));
    assertThat(namespace.events(ModelServer.class, "four-h100"))
        .noneMatch(event -> "InsufficientGPUMemory".equals(event.getReason()));
    servers.removeAll();
  }

  @Test
  void fitCheckFalseMakesTheDeploymentOfARefusedServerAnyway() {
    downloadOfLlama70b("llama-70b-optout");
    servers.create(servers.fromDownload("opt-out", Runtime.VLLM, "llama-70b-optout", 1, H100));
    awaitReason("opt-out", "InsufficientGPUMemory");
    assertThat(namespace.get("opt-out", Deployment.class)).isNull();

    namespace
        .client()
        .resources(ModelServer.class)
        .inNamespace(namespace.name())
        .withName("opt-out")
        .edit(
            server -> {
              server.getSpec().setFitCheck(false);
              return server;
            });

    ModelServer ready = servers.awaitPhase("opt-out", ModelServerPhase.Ready);
    assertThat(ready.getStatus().getObservedGeneration())
        .isEqualTo(ready.getMetadata().getGeneration());
    assertThat(condition(ready, "Scheduled").getStatus()).isEqualTo("True");
    assertThat(condition(ready, "Scheduled").getMessage())
        .isEqualTo("GPU memory not checked: spec.fitCheck is false");
    assertThat(condition(ready, "Stalled").getStatus()).isEqualTo("False");
    assertThat(ready.getStatus().getGpuMemory()).isNull();
    assertThat(
            namespace
                .get("opt-out", Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getResources()
                .getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(namespace.podsOf("opt-out"))
        .singleElement()
        .satisfies(pod -> assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-h100-0"));
    servers.removeAll();
  }

  @Test
  void shrinkingARunningServerToOneGpuDeletesItsDeployment() {
    downloadOfLlama70b("llama-70b-shrunk");
    servers.create(servers.fromDownload("shrunk", Runtime.VLLM, "llama-70b-shrunk", 4, H100));
    servers.awaitPhase("shrunk", ModelServerPhase.Ready);

    namespace
        .client()
        .resources(ModelServer.class)
        .inNamespace(namespace.name())
        .withName("shrunk")
        .edit(
            server -> {
              server.getSpec().getResources().setGpus(1);
              return server;
            });

    ModelServer refused = awaitReason("shrunk", "InsufficientGPUMemory");
    assertThat(condition(refused, "Scheduled").getMessage())
        .contains("it fits in resources.gpus 4");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(namespace.get("shrunk", Deployment.class)).isNull();
              assertThat(namespace.podsOf("shrunk")).isEmpty();
            });
  }

  @Test
  void aDownloadWithoutAModelDescriptionIsNoBlockAndTheConditionSaysWhy() {
    // A data set: the downloader finds no config.json or GGUF header, and reports no status.model.
    namespace
        .client()
        .resource(SmallDownload.of(namespace.name(), "tickets", "train.jsonl"))
        .create();
    awaitRun("tickets");
    DownloaderReports.verified(namespace, "tickets", "tickets-run-1");
    servers.create(servers.fromDownload("no-model", Runtime.VLLM, "tickets", 1, H100));

    ModelServer ready = servers.awaitPhase("no-model", ModelServerPhase.Ready);

    assertThat(namespace.get("tickets", Download.class).getStatus().getModel()).isNull();
    Condition scheduled = condition(ready, "Scheduled");
    assertThat(scheduled.getStatus()).isEqualTo("True");
    assertThat(scheduled.getMessage())
        .startsWith("GPU memory not checked: the model's size and shape are unknown");
    assertThat(ready.getStatus().getGpuMemory()).isNull();
    assertThat(namespace.get("no-model", Deployment.class)).isNotNull();
    assertThat(namespace.events(ModelServer.class, "no-model"))
        .noneMatch(event -> "InsufficientGPUMemory".equals(event.getReason()));
    servers.removeAll();
  }

  /**
   * What the operator should write for Llama-3.1-70B at its full context on {@code gpus} H100s
   * under vLLM.
   */
  private static GpuMemory expectedMemory(int gpus) {
    long overhead = GIB * gpus;
    return GpuMemory.builder()
        .requiredBytes(Models.LLAMA_31_70B.getWeightsBytes() + KV_FULL_CONTEXT + overhead)
        .availableBytes(H100_MIB * MIB / 10 * 9 * gpus)
        .weightsBytes(Models.LLAMA_31_70B.getWeightsBytes())
        .kvCacheBytes(KV_FULL_CONTEXT)
        .overheadBytes(overhead)
        .contextLength(131072L)
        .build();
  }

  /**
   * A Download of Llama-3.1-70B that the downloader has fetched, verified and described
   * (status.model).
   */
  private void downloadOfLlama70b(String name) {
    namespace
        .client()
        .resource(SmallDownload.of(namespace.name(), name, "model.safetensors"))
        .create();
    awaitRun(name);
    DownloaderReports.verified(
        namespace,
        name,
        name + "-run-1",
        Models.LLAMA_31_70B.getWeightsBytes(),
        Models.LLAMA_31_70B);
    Download done = namespace.awaitPhase(name, DownloadPhase.Succeeded, TIMEOUT);
    assertThat(done.getStatus().getModel()).isEqualTo(Models.LLAMA_31_70B);
  }

  /** The downloader reports only from a run's pod: wait until the operator has started run 1. */
  private void awaitRun(String download) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> namespace.get(download, Download.class),
            d ->
                d.getStatus() != null
                    && d.getStatus().getRuns() != null
                    && !d.getStatus().getRuns().isEmpty());
  }

  private ModelServer awaitReason(String name, String reason) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> namespace.get(name, ModelServer.class),
            s ->
                s != null
                    && s.getStatus() != null
                    && s.getMetadata().getGeneration().equals(s.getStatus().getObservedGeneration())
                    && conditions(s).stream()
                        .anyMatch(
                            c -> c.getType().equals("Scheduled") && reason.equals(c.getReason())));
  }
}
