package dev.llmfleet.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.EnvVar;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The fit estimate on published config.json values of real models (layers, KV heads, head size,
 * context) and their bf16 weights (parameters x 2 bytes), against serving setups known to work or
 * not.
 */
class GpuFitTest {

  static final OperatorConfig CONFIG =
      OperatorConfig.fromEnvironment(Map.of("LLMFLEET_IMAGE", "llmfleet:test"));
  static final GpuFit.KnownMemory H100 = new GpuFit.KnownMemory(81559, "test");
  static final GpuFit.KnownMemory A10G = new GpuFit.KnownMemory(23028, "test");
  static final GpuFit.KnownMemory T4 = new GpuFit.KnownMemory(15360, "test");

  static final DownloadModel QWEN25_05B = bf16(494_032_768L, 24, 14, 2, 64, 896, 32768);
  static final DownloadModel QWEN25_7B = bf16(7_615_616_512L, 28, 28, 4, 128, 3584, 32768);
  static final DownloadModel LLAMA31_8B = bf16(8_030_261_248L, 32, 32, 8, 128, 4096, 131072);
  static final DownloadModel LLAMA31_70B = bf16(70_553_706_496L, 80, 64, 8, 128, 8192, 131072);
  static final DownloadModel MIXTRAL_8X7B = bf16(46_702_792_704L, 32, 32, 8, 128, 4096, 32768);

  @Test
  void llama31With70BInBf16DoesNotFitOneH100AndFitsFour() {
    GpuFit one = check(server(Runtime.VLLM, 1), LLAMA31_70B, H100);

    assertThat(one.outcome()).isEqualTo(GpuFit.Outcome.DOES_NOT_FIT);
    // 3 GPUs would hold the bytes, but 64 attention heads do not split over 3.
    assertThat(one.message())
        .contains(
            "needs 172.4 GiB (weights 131.4 GiB, KV cache 40.0 GiB for 131072 tokens",
            "it fits in resources.gpus 4");
    assertThat(one.memory().orElseThrow().getKvCacheBytes())
        .isEqualTo(2L * 80 * 8 * 128 * 2 * 131072);
    assertThat(check(server(Runtime.VLLM, 4), LLAMA31_70B, H100).outcome())
        .isEqualTo(GpuFit.Outcome.FITS);
  }

  @Test
  void llama31With8BOnOneA10GFitsOnlyWithAShorterContext() {
    GpuFit full = check(server(Runtime.VLLM, 1), LLAMA31_8B, A10G);

    assertThat(full.outcome()).isEqualTo(GpuFit.Outcome.DOES_NOT_FIT);
    assertThat(full.message())
        .contains(
            "it fits in resources.gpus 2",
            "or with a context length of at most",
            "(--max-model-len)");
    ModelServer shorter = server(Runtime.VLLM, 1);
    shorter.getSpec().setArgs(List.of("--max-model-len", "8192"));
    assertThat(check(shorter, LLAMA31_8B, A10G).outcome()).isEqualTo(GpuFit.Outcome.FITS);
    shorter.getSpec().setArgs(List.of("--max-model-len=8192"));
    assertThat(check(shorter, LLAMA31_8B, A10G).memory().orElseThrow().getContextLength())
        .isEqualTo(8192);
  }

  @Test
  void qwen25ModelsFitTheirUsualGpus() {
    assertThat(check(server(Runtime.VLLM, 1), QWEN25_7B, H100).outcome())
        .isEqualTo(GpuFit.Outcome.FITS);
    assertThat(check(server(Runtime.VLLM, 1), QWEN25_7B, A10G).outcome())
        .isEqualTo(GpuFit.Outcome.FITS);
    assertThat(check(server(Runtime.SGLANG, 1), QWEN25_05B, T4).outcome())
        .isEqualTo(GpuFit.Outcome.FITS);
    assertThat(check(server(Runtime.VLLM, 1), QWEN25_7B, T4).outcome())
        .isEqualTo(GpuFit.Outcome.DOES_NOT_FIT);
  }

  @Test
  void mixtral8x7BNeedsTwoH100s() {
    GpuFit one = check(server(Runtime.VLLM, 1), MIXTRAL_8X7B, H100);

    assertThat(one.outcome()).isEqualTo(GpuFit.Outcome.DOES_NOT_FIT);
    assertThat(one.message()).contains("it fits in resources.gpus 2");
    assertThat(check(server(Runtime.TGI, 2), MIXTRAL_8X7B, H100).outcome())
        .isEqualTo(GpuFit.Outcome.FITS);
  }

  @Test
  void eachRuntimeReadsItsOwnContextFlag() {
    assertThat(contextOf(Runtime.SGLANG, List.of("--context-length", "4096"))).isEqualTo(4096);
    assertThat(contextOf(Runtime.LLAMA_CPP, List.of("-c", "2048"))).isEqualTo(2048);
    assertThat(contextOf(Runtime.LLAMA_CPP, List.of("--ctx-size=1024"))).isEqualTo(1024);
    assertThat(contextOf(Runtime.LLAMA_CPP, List.of("-c", "0"))).isEqualTo(131072);
    assertThat(contextOf(Runtime.TGI, List.of("--max-total-tokens", "16000"))).isEqualTo(16000);
    assertThat(
            contextOf(Runtime.VLLM, List.of("--max-model-len", "8192", "--max-model-len", "4096")))
        .isEqualTo(4096);
    assertThat(contextOf(Runtime.OLLAMA, List.of())).isEqualTo(4096);
    ModelServer ollama = server(Runtime.OLLAMA, 1);
    ollama.getSpec().setEnv(List.of(new EnvVar("OLLAMA_CONTEXT_LENGTH", "32768")));
    assertThat(GpuFit.contextLength(ollama.getSpec(), LLAMA31_8B)).contains(32768L);
  }

  @Test
  void anFp8KvCacheHalvesIt() {
    ModelServer server = server(Runtime.VLLM, 1);
    server.getSpec().setArgs(List.of("--kv-cache-dtype", "fp8_e4m3"));

    assertThat(check(server, LLAMA31_8B, H100).memory().orElseThrow().getKvCacheBytes())
        .isEqualTo(2L * 32 * 8 * 128 * 131072);
  }

  @Test
  void unknownModelMemoryOrAnOptOutNeverBlock() {
    assertThat(GpuFit.check(server(Runtime.VLLM, 1), Optional.empty(), Optional.of(H100)).outcome())
        .isEqualTo(GpuFit.Outcome.NOT_CHECKED);
    GpuFit noMemory =
        GpuFit.check(server(Runtime.VLLM, 1), Optional.of(LLAMA31_70B), Optional.empty());
    assertThat(noMemory.outcome()).isEqualTo(GpuFit.Outcome.NOT_CHECKED);
    assertThat(noMemory.message()).contains("is unknown");
    assertThat(noMemory.memory().orElseThrow().getAvailableBytes()).isNull();
    ModelServer optOut = server(Runtime.VLLM, 1);
    optOut.getSpec().setFitCheck(false);
    assertThat(check(optOut, LLAMA31_70B, H100).outcome()).isEqualTo(GpuFit.Outcome.NOT_CHECKED);
    assertThat(check(server(Runtime.LLAMA_CPP, 0), LLAMA31_70B, H100).outcome())
        .isEqualTo(GpuFit.Outcome.NOT_CHECKED);
  }

  @Test
  void memoryComesFromTheLargestMatchingNodeLabelElseTheTable() {
    ModelServer server = server(Runtime.VLLM, 1);
    server.getSpec().getResources().setGpuType("NVIDIA-A10G");
    List<Node> nodes =
        List.of(node("NVIDIA-A10G", "23028"), node("NVIDIA-H100-80GB-HBM3", "81559"));

    assertThat(GpuFit.gpuMemory(server, nodes, CONFIG))
        .contains(new GpuFit.KnownMemory(23028, "node label nvidia.com/gpu.memory"));
    assertThat(GpuFit.gpuMemory(server, List.of(), CONFIG))
        .contains(new GpuFit.KnownMemory(23028, "NVIDIA-A10G in LLMFLEET_GPU_MEMORY_MIB"));
    server.getSpec().getResources().setGpuType(null);
    assertThat(GpuFit.gpuMemory(server, nodes, CONFIG).orElseThrow().mibPerGpu()).isEqualTo(81559);
    server.getSpec().getResources().setGpuType("NVIDIA-B200");
    assertThat(GpuFit.gpuMemory(server, nodes, CONFIG)).isEmpty();
    OperatorConfig withB200 =
        OperatorConfig.fromEnvironment(
            Map.of(
                "LLMFLEET_IMAGE",
                "llmfleet:test",
                "LLMFLEET_GPU_MEMORY_MIB",
                "NVIDIA-B200=183359"));
    assertThat(GpuFit.gpuMemory(server, nodes, withB200).orElseThrow().mibPerGpu())
        .isEqualTo(183359);
  }

  private static Node node(String product, String mib) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(product)
        .withLabels(Map.of("nvidia.com/gpu.product", product, "nvidia.com/gpu.memory", mib))
        .endMetadata()
        .build();
  }

  private static long contextOf(Runtime runtime, List<String> args) {
    ModelServer server = server(runtime, 1);
    server.getSpec().setArgs(args);
    return GpuFit.contextLength(server.getSpec(), LLAMA31_8B).orElseThrow();
  }

  static GpuFit check(ModelServer server, DownloadModel model, GpuFit.KnownMemory memory) {
    return GpuFit.check(server, Optional.of(model), Optional.of(memory));
  }

  static ModelServer server(Runtime runtime, int gpus) {
    ModelServer server = ModelServerResourcesTest.server(runtime, gpus, null);
    server.getSpec().setFitCheck(true);
    return server;
  }

  static DownloadModel bf16(
      long parameters, int layers, int heads, int kvHeads, int headDim, int hidden, long context) {
    return DownloadModel.builder()
        .parameters(parameters)
        .dtype("bfloat16")
        .layers(layers)
        .attentionHeads(heads)
        .keyValueHeads(kvHeads)
        .headDim(headDim)
        .hiddenSize(hidden)
        .contextLength(context)
        .weightsBytes(parameters * 2)
        .build();
  }
}
