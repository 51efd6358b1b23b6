package dev.llmfleet.e2e.modelserver;

import static dev.llmfleet.e2e.support.Statuses.condition;
import static dev.llmfleet.e2e.support.Statuses.conditions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.ModelFormat;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.ModelServers;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SGLang servers on the real control plane, as ModelServerE2E places vLLM's: tensor parallelism
 * from the GPU count, the GPU node's product selector and taint toleration, its own port 30000, and
 * SGLang's context flag in the fit check (on the KWOK A10G node, nvidia.com/gpu.memory: 23028 MiB).
 */
@ExtendWith(LlmFleetExtension.class)
class SglangPlacementE2E {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * Llama-3.1-8B in bf16, from its public config.json (32 layers, 32 heads, 8 KV heads, head size
   * 128, hidden 4096, max_position_embeddings 131072) and 8,030,261,248 parameters of 2 bytes.
   */
  private static final DownloadModel LLAMA_31_8B =
      DownloadModel.builder()
          .format(ModelFormat.SAFETENSORS)
          .architecture("LlamaForCausalLM")
          .parameters(8_030_261_248L)
          .parametersRounded("8.0B")
          .dtype("bfloat16")
          .contextLength(131072L)
          .layers(32)
          .attentionHeads(32)
          .keyValueHeads(8)
          .headDim(128)
          .hiddenSize(4096)
          .weightsBytes(16_060_522_496L)
          .build();

  private final TestNamespace namespace;
  private final ModelServers servers;

  SglangPlacementE2E(TestNamespace namespace) {
    this.namespace = namespace;
    this.servers = new ModelServers(namespace);
  }

  @Test
  void sglangWithTwoH100sLandsOnTheH100NodeAndBecomesReady() {
    servers.create(
        servers.fromUri(
            "sglang-h100",
            Runtime.SGLANG,
            "hf://Qwen/Qwen2.5-7B-Instruct",
            2,
            "NVIDIA-H100-80GB-HBM3"));

    ModelServer ready = servers.awaitPhase("sglang-h100", ModelServerPhase.Ready);

    assertThat(ready.getStatus().getEndpoint())
        .isEqualTo("http://sglang-h100." + namespace.name() + ".svc.cluster.local:30000/v1");
    assertThat(ready.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(condition(ready, "Scheduled").getStatus()).isEqualTo("True");
    assertThat(namespace.podsOf("sglang-h100"))
        .singleElement()
        .satisfies(pod -> assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-h100-0"));

    PodSpec pod = namespace.get("sglang-h100", Deployment.class).getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    assertThat(container.getImage()).startsWith("lmsysorg/sglang:");
    assertThat(container.getCommand()).containsExactly("python3", "-m", "sglang.launch_server");
    assertThat(container.getArgs())
        .containsSubsequence("--model-path", "Qwen/Qwen2.5-7B-Instruct")
        .containsSubsequence("--served-model-name", "sglang-h100")
        .containsSubsequence("--port", "30000")
        .containsSubsequence("--tp", "2")
        .contains("--enable-metrics")
        .doesNotContain("--tensor-parallel-size");
    assertThat(container.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("2"));
    assertThat(container.getPorts())
        .singleElement()
        .satisfies(port -> assertThat(port.getContainerPort()).isEqualTo(30000));
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(pod.getNodeSelector())
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
    assertThat(pod.getTolerations())
        .anySatisfy(
            toleration -> {
              assertThat(toleration.getKey()).isEqualTo("nvidia.com/gpu");
              assertThat(toleration.getOperator()).isEqualTo("Exists");
              assertThat(toleration.getEffect()).isEqualTo("NoSchedule");
            });

    Service service = namespace.get("sglang-h100", Service.class);
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getPort()).isEqualTo(30000);
              assertThat(port.getTargetPort()).isEqualTo(new IntOrString("http"));
            });
    servers.removeAll();
  }

  @Test
  void sglangOnOneA10gRefusesLlama8bAtItsFullContextAndRunsWithContextLength8192() {
    namespace
        .client()
        .resource(SmallDownload.of(namespace.name(), "llama-8b", "model.safetensors"))
        .create();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> namespace.get("llama-8b", Download.class),
            d ->
                d.getStatus() != null
                    && d.getStatus().getRuns() != null
                    && !d.getStatus().getRuns().isEmpty());
    DownloaderReports.verified(
        namespace, "llama-8b", "llama-8b-run-1", LLAMA_31_8B.getWeightsBytes(), LLAMA_31_8B);
    namespace.awaitPhase("llama-8b", DownloadPhase.Succeeded, TIMEOUT);
    ModelServer server = servers.fromUri("sglang-a10", Runtime.SGLANG, null, 1, "NVIDIA-A10G");
    server.getSpec().setModel(ModelSource.builder().downloadRef(new LocalRef("llama-8b")).build());
    servers.create(server);

    // 15.0 GiB of weights + 16.0 GiB of KV cache for 131072 tokens + 1 GiB against 0.88 x 23028
    // MiB.
    ModelServer refused =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> namespace.get("sglang-a10", ModelServer.class),
                s ->
                    conditions(s).stream()
                        .anyMatch(
                            c ->
                                c.getType().equals("Scheduled")
                                    && "InsufficientGPUMemory".equals(c.getReason())));
    assertThat(condition(refused, "Scheduled").getMessage())
        .contains(
            "needs 32.0 GiB (weights 15.0 GiB, KV cache 16.0 GiB for 131072 tokens, overhead 1.0 GiB)",
            "1 x 23028 MiB (node label nvidia.com/gpu.memory) give sglang 19.8 GiB",
            "it fits in resources.gpus 2, or with a context length of at most 31393 tokens (--context-length)");
    assertThat(namespace.get("sglang-a10", Deployment.class)).isNull();

    namespace
        .client()
        .resources(ModelServer.class)
        .inNamespace(namespace.name())
        .withName("sglang-a10")
        .edit(
            s -> {
              s.getSpec().setArgs(List.of("--context-length", "8192"));
              return s;
            });

    ModelServer ready = servers.awaitPhase("sglang-a10", ModelServerPhase.Ready);
    assertThat(condition(ready, "Scheduled").getMessage())
        .startsWith("the model fits: it needs 17.0 GiB");
    assertThat(ready.getStatus().getGpuMemory().getContextLength()).isEqualTo(8192L);
    assertThat(ready.getStatus().getGpuMemory().getKvCacheBytes())
        .isEqualTo(2L * 32 * 8 * 128 * 2 * 8192);
    Container container =
        namespace
            .get("sglang-a10", Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(container.getArgs())
        .containsSubsequence("--model-path", "/models")
        .containsSubsequence("--context-length", "8192")
        .doesNotContain("--tp");
    assertThat(namespace.podsOf("sglang-a10"))
        .singleElement()
        .satisfies(pod -> assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-a10-0"));
    servers.removeAll();
  }
}
