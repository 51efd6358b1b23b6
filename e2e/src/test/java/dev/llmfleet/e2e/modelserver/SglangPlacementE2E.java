package dev.llmfleet.e2e.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.ModelFormat;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SGLang servers on the real control plane, as ModelServerE2E places vLLM's: tensor parallelism from the GPU count,
 * the GPU node's product selector and taint toleration, its own port 30000, and SGLang's context flag in the fit
 * check (on the KWOK A10G node, nvidia.com/gpu.memory: 23028 MiB).
 */
@ExtendWith(LlmFleetExtension.class)
class SglangPlacementE2E {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * Llama-3.1-8B in bf16, from its public config.json (32 layers, 32 heads, 8 KV heads, head size 128, hidden 4096,
   * max_position_embeddings 131072) and 8,030,261,248 parameters of 2 bytes.
   */
  private static final DownloadModel LLAMA_31_8B = DownloadModel.builder()
      .format(ModelFormat.SAFETENSORS).architecture("LlamaForCausalLM").parameters(8_030_261_248L)
      .parametersRounded("8.0B").dtype("bfloat16").contextLength(131072L).layers(32).attentionHeads(32)
      .keyValueHeads(8).headDim(128).hiddenSize(4096).weightsBytes(16_060_522_496L).build();

  private final TestNamespace namespace;

  SglangPlacementE2E(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @Test
  void sglangWithTwoH100sLandsOnTheH100NodeAndBecomesReady() {
    create(server("sglang-h100", "hf://Qwen/Qwen2.5-7B-Instruct", 2, "NVIDIA-H100-80GB-HBM3"));

    ModelServer ready = awaitPhase("sglang-h100", ModelServerPhase.Ready);

    assertThat(ready.getStatus().getEndpoint())
        .isEqualTo("http://sglang-h100." + namespace.name() + ".svc.cluster.local:30000/v1");
    assertThat(ready.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(condition(ready, "Scheduled").getStatus()).isEqualTo("True");
    assertThat(pods("sglang-h100")).singleElement()
        .satisfies(pod -> assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-h100-0"));

    PodSpec pod = deployment("sglang-h100").getSpec().getTemplate().getSpec();
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
    assertThat(container.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("2"));
    assertThat(container.getPorts()).singleElement()
        .satisfies(port -> assertThat(port.getContainerPort()).isEqualTo(30000));
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
    assertThat(pod.getTolerations()).anySatisfy(toleration -> {
      assertThat(toleration.getKey()).isEqualTo("nvidia.com/gpu");
      assertThat(toleration.getOperator()).isEqualTo("Exists");
      assertThat(toleration.getEffect()).isEqualTo("NoSchedule");
    });

    Service service = namespace.client().services().inNamespace(namespace.name()).withName("sglang-h100").get();
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getPort()).isEqualTo(30000);
      assertThat(port.getTargetPort()).isEqualTo(new IntOrString("http"));
    });
    removeServers();
  }

  @Test
  void sglangOnOneA10gRefusesLlama8bAtItsFullContextAndRunsWithContextLength8192() {
    namespace.client().resource(SmallDownload.of(namespace.name(), "llama-8b", "model.safetensors")).create();
    await().atMost(TIMEOUT).until(() -> get("llama-8b", Download.class),
        d -> d.getStatus() != null && d.getStatus().getRuns() != null && !d.getStatus().getRuns().isEmpty());
    DownloaderReports.verified(namespace, "llama-8b", "llama-8b-run-1", LLAMA_31_8B.getWeightsBytes(), LLAMA_31_8B);
    await().atMost(TIMEOUT).until(() -> get("llama-8b", Download.class),
        d -> d.getStatus().getPhase() == DownloadPhase.Succeeded);
    ModelServer server = server("sglang-a10", null, 1, "NVIDIA-A10G");
    server.getSpec().setModel(ModelSource.builder().downloadRef(new LocalRef("llama-8b")).build());
    create(server);

    // 15.0 GiB of weights + 16.0 GiB of KV cache for 131072 tokens + 1 GiB against 0.88 x 23028 MiB.
    ModelServer refused = await().atMost(TIMEOUT).until(() -> get("sglang-a10", ModelServer.class),
        s -> s.getStatus() != null && s.getStatus().getConditions() != null
            && s.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Scheduled")
                && "InsufficientGPUMemory".equals(c.getReason())));
    assertThat(condition(refused, "Scheduled").getMessage()).contains(
        "needs 32.0 GiB (weights 15.0 GiB, KV cache 16.0 GiB for 131072 tokens, overhead 1.0 GiB)",
        "1 x 23028 MiB (node label nvidia.com/gpu.memory) give sglang 19.8 GiB",
        "it fits in resources.gpus 2, or with a context length of at most 31393 tokens (--context-length)");
    assertThat(deployment("sglang-a10")).isNull();

    namespace.client().resources(ModelServer.class).inNamespace(namespace.name()).withName("sglang-a10")
        .edit(s -> {
          s.getSpec().setArgs(List.of("--context-length", "8192"));
          return s;
        });

    ModelServer ready = awaitPhase("sglang-a10", ModelServerPhase.Ready);
    assertThat(condition(ready, "Scheduled").getMessage()).startsWith("the model fits: it needs 17.0 GiB");
    assertThat(ready.getStatus().getGpuMemory().getContextLength()).isEqualTo(8192L);
    assertThat(ready.getStatus().getGpuMemory().getKvCacheBytes()).isEqualTo(2L * 32 * 8 * 128 * 2 * 8192);
    Container container = deployment("sglang-a10").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getArgs()).containsSubsequence("--model-path", "/models")
        .containsSubsequence("--context-length", "8192").doesNotContain("--tp");
    assertThat(pods("sglang-a10")).singleElement()
        .satisfies(pod -> assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-a10-0"));
    removeServers();
  }

  /**
   * The GPU nodes are small (gpu-h100-0 has 8 GPUs, gpu-a10-0 one): a test that passed removes its servers and
   * waits for their pods to go, so that the next test and the next class find the nodes free. A failed one leaves
   * them for the namespace dump of LlmFleetExtension.
   */
  private void removeServers() {
    namespace.client().resources(ModelServer.class).inNamespace(namespace.name()).delete();
    await().atMost(TIMEOUT).until(() -> namespace.client().pods().inNamespace(namespace.name())
        .withLabel("app.kubernetes.io/component", "model-server").list().getItems().isEmpty());
  }

  private ModelServer server(String name, String uri, int gpus, String gpuType) {
    ModelServer server = new ModelServer();
    server.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace.name()).build());
    server.setSpec(ModelServerSpec.builder()
        .runtime(Runtime.SGLANG)
        .model(uri == null ? null : ModelSource.builder().uri(uri).build())
        .resources(Resources.builder().gpus(gpus).gpuType(gpuType).cpu(new Quantity("1"))
            .memory(new Quantity("2Gi")).build())
        .build());
    return server;
  }

  private void create(ModelServer server) {
    namespace.client().resource(server).create();
  }

  private ModelServer awaitPhase(String name, ModelServerPhase phase) {
    return await().atMost(TIMEOUT).until(() -> get(name, ModelServer.class),
        s -> s != null && s.getStatus() != null && s.getStatus().getPhase() == phase
            && s.getMetadata().getGeneration().equals(s.getStatus().getObservedGeneration()));
  }

  private <T extends HasMetadata> T get(String name, Class<T> type) {
    return namespace.client().resources(type).inNamespace(namespace.name()).withName(name).get();
  }

  private Deployment deployment(String name) {
    return namespace.client().apps().deployments().inNamespace(namespace.name()).withName(name).get();
  }

  private List<Pod> pods(String name) {
    return namespace.client().pods().inNamespace(namespace.name())
        .withLabel("app.kubernetes.io/instance", name).list().getItems().stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private static Condition condition(ModelServer server, String type) {
    return server.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow();
  }
}
