package dev.llmfleet.modelserver;

import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.GpuMemory;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.common.GpuPlacement;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Node;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether a model fits in the memory of a server's GPUs, before any pod is made: a pure function of
 * the ModelServer, the Download's status.model and the GPUs' memory.
 *
 * <p>Required per pod = weights + KV cache + runtime overhead. The KV cache is sized for one
 * sequence of the full context length (2 x layers x KV heads x head size x 2 bytes x tokens): the
 * floor every runtime needs, since it must hold at least one request of its longest length (vLLM
 * refuses to start otherwise); more concurrent sequences only use what memory is left. The context
 * length comes from the runtime's own flag in spec.args, else the model's (Ollama:
 * OLLAMA_CONTEXT_LENGTH, else its default of 4096).
 *
 * <p>What a runtime may use is the GPUs' memory times the share it takes by default (vLLM's
 * --gpu-memory-utilization 0.9, SGLang's --mem-fraction-static taken as 0.88, all of it for the
 * others), less a fixed overhead per GPU for the CUDA context, activations and CUDA graphs (1 GiB
 * for vLLM, SGLang and TGI, 0.5 GiB for llama.cpp and Ollama). These are estimates: a refusal means
 * the numbers do not add up with margin.
 */
public record GpuFit(Outcome outcome, Optional<GpuMemory> memory, String message) {

  /** NotChecked: the check could not or should not run, which never blocks a server. */
  public enum Outcome {
    FITS,
    DOES_NOT_FIT,
    NOT_CHECKED
  }

  /** GPU memory known for the server's nodes, with where the number came from. */
  public record KnownMemory(long mibPerGpu, String source) {}

  public static final String NODE_MEMORY_LABEL = "nvidia.com/gpu.memory";
  static final long GIB = 1L << 30;
  static final long MIB = 1L << 20;
  static final int MAX_GPUS = 64;
  static final long OLLAMA_DEFAULT_CONTEXT = 4096;

  /** fp16/bf16 KV cache, every runtime's default. */
  static final int KV_BYTES = 2;

  public boolean blocks() {
    return outcome == Outcome.DOES_NOT_FIT;
  }

  public static GpuFit check(
      ModelServer server, Optional<DownloadModel> model, Optional<KnownMemory> gpuMemory) {
    ModelServerSpec spec = server.getSpec();
    int gpus = GpuPlacement.gpus(spec.getResources());
    if (Boolean.FALSE.equals(spec.getFitCheck())) {
      return notChecked("GPU memory not checked: spec.fitCheck is false");
    }
    if (gpus == 0) {
      return notChecked("GPU memory not checked: the server asks for no GPUs");
    }
    if (model.isEmpty() || !complete(model.get())) {
      return notChecked(
          "GPU memory not checked: the model's size and shape are unknown (no status.model with "
              + "weightsBytes, layers, keyValueHeads and headDim on its Download)");
    }
    DownloadModel m = model.get();
    Optional<Long> context = contextLength(spec, m);
    if (context.isEmpty()) {
      return notChecked("GPU memory not checked: the context length is unknown");
    }
    long kvPerToken = 2L * m.getLayers() * m.getKeyValueHeads() * m.getHeadDim() * kvBytes(spec);
    long kv = Math.multiplyExact(kvPerToken, context.get());
    long overhead = overheadPerGpu(spec.getRuntime()) * gpus;
    long required = m.getWeightsBytes() + kv + overhead;
    GpuMemory.GpuMemoryBuilder memory =
        GpuMemory.builder()
            .requiredBytes(required)
            .weightsBytes(m.getWeightsBytes())
            .kvCacheBytes(kv)
            .overheadBytes(overhead)
            .contextLength(context.get());
    if (gpuMemory.isEmpty()) {
      return new GpuFit(
          Outcome.NOT_CHECKED,
          Optional.of(memory.build()),
          "GPU memory not checked: the memory of "
              + (spec.getResources().getGpuType() == null
                  ? "the GPU nodes"
                  : spec.getResources().getGpuType())
              + " is unknown (no node with label "
              + NODE_MEMORY_LABEL
              + ", no entry in LLMFLEET_GPU_MEMORY_MIB)");
    }
    long perGpu = usable(spec.getRuntime(), gpuMemory.get().mibPerGpu());
    long available = perGpu * gpus;
    memory.availableBytes(available);
    String needs =
        "needs "
            + gib(required)
            + " (weights "
            + gib(m.getWeightsBytes())
            + ", KV cache "
            + gib(kv)
            + " for "
            + context.get()
            + " tokens, overhead "
            + gib(overhead)
            + ")";
    String has =
        gpus
            + " x "
            + gpuMemory.get().mibPerGpu()
            + " MiB ("
            + gpuMemory.get().source()
            + ") give "
            + spec.getRuntime().name().toLowerCase(Locale.ROOT)
            + " "
            + gib(available);
    if (required <= available) {
      return new GpuFit(
          Outcome.FITS, Optional.of(memory.build()), "the model fits: it " + needs + ", " + has);
    }
    StringBuilder message =
        new StringBuilder("the model does not fit in the GPUs' memory: it ")
            .append(needs)
            .append(", ")
            .append(has)
            .append(';');
    OptionalLong enoughGpus = smallestGpuCount(spec, m, required - overhead, perGpu, gpus);
    long perGpuOverhead = overheadPerGpu(spec.getRuntime());
    long longest = (available - m.getWeightsBytes() - overhead) / kvPerToken;
    if (enoughGpus.isPresent()) {
      message.append(" it fits in resources.gpus ").append(enoughGpus.getAsLong());
    }
    if (longest >= 1) {
      message
          .append(enoughGpus.isPresent() ? ", or" : "")
          .append(" with a context length of at most ")
          .append(longest)
          .append(" tokens (")
          .append(contextFlag(spec.getRuntime()))
          .append(')');
    }
    if (enoughGpus.isEmpty() && longest < 1) {
      message
          .append(" it fits in no count of these GPUs up to ")
          .append(MAX_GPUS)
          .append(" (overhead ")
          .append(gib(perGpuOverhead))
          .append(" per GPU)");
    }
    return new GpuFit(Outcome.DOES_NOT_FIT, Optional.of(memory.build()), message.toString());
  }

  /**
   * Memory of one GPU where the server's pods may run: the largest nvidia.com/gpu.memory label of
   * the nodes that match its node selector (gpuType and spec.nodeSelector), so that a refusal means
   * no such node could hold it; else the configured table by gpuType.
   */
  public static Optional<KnownMemory> gpuMemory(
      ModelServer server, List<Node> gpuNodes, OperatorConfig config) {
    Map<String, String> selector =
        GpuPlacement.nodeSelector(
            server.getSpec().getResources(), server.getSpec().getNodeSelector(), config);
    OptionalLong labelled =
        gpuNodes.stream()
            .map(node -> node.getMetadata().getLabels())
            .filter(labels -> labels != null && labels.entrySet().containsAll(selector.entrySet()))
            .map(labels -> labels.get(NODE_MEMORY_LABEL))
            .filter(value -> value != null && value.matches("\\d{1,9}"))
            .mapToLong(Long::parseLong)
            .max();
    if (labelled.isPresent()) {
      return Optional.of(new KnownMemory(labelled.getAsLong(), "node label " + NODE_MEMORY_LABEL));
    }
    String gpuType =
        server.getSpec().getResources() == null
            ? null
            : server.getSpec().getResources().getGpuType();
    Long mib = gpuType == null ? null : config.gpuMemoryMiB().get(gpuType);
    return mib == null
        ? Optional.empty()
        : Optional.of(new KnownMemory(mib, gpuType + " in LLMFLEET_GPU_MEMORY_MIB"));
  }

  /** The context length the runtime will be started with. */
  static Optional<Long> contextLength(ModelServerSpec spec, DownloadModel model) {
    List<String> flags =
        switch (spec.getRuntime()) {
          case VLLM -> List.of("--max-model-len");
          case SGLANG -> List.of("--context-length");
          case LLAMA_CPP -> List.of("-c", "--ctx-size");
          case TGI -> List.of("--max-total-tokens");
          case OLLAMA -> List.of();
        };
    Optional<Long> fromArgs = lastValue(spec.getArgs(), flags).flatMap(GpuFit::parseTokens);
    if (fromArgs.isPresent()) {
      return fromArgs;
    }
    if (spec.getRuntime() == Runtime.OLLAMA) {
      return Optional.of(
          spec.getEnv() == null
              ? OLLAMA_DEFAULT_CONTEXT
              : spec.getEnv().stream()
                  .filter(e -> "OLLAMA_CONTEXT_LENGTH".equals(e.getName()))
                  .map(e -> parseTokens(e.getValue()))
                  .flatMap(Optional::stream)
                  .reduce((a, b) -> b)
                  .orElse(OLLAMA_DEFAULT_CONTEXT));
    }
    // llama.cpp's -c 0 means the model's own length, as no flag does.
    return Optional.ofNullable(model.getContextLength());
  }

  private static Optional<Long> parseTokens(String value) {
    try {
      long tokens = Long.parseLong(value.trim());
      return tokens > 0 ? Optional.of(tokens) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> lastValue(List<String> args, List<String> flags) {
    Optional<String> value = Optional.empty();
    if (args == null) {
      return value;
    }
    for (int i = 0; i < args.size(); i++) {
      for (String flag : flags) {
        if (args.get(i).equals(flag) && i + 1 < args.size()) {
          value = Optional.of(args.get(i + 1));
        } else if (args.get(i).startsWith(flag + "=")) {
          value = Optional.of(args.get(i).substring(flag.length() + 1));
        }
      }
    }
    return value;
  }

  /** An fp8 KV cache (vLLM's and SGLang's --kv-cache-dtype fp8*) halves it. */
  private static int kvBytes(ModelServerSpec spec) {
    boolean fp8 =
        (spec.getRuntime() == Runtime.VLLM || spec.getRuntime() == Runtime.SGLANG)
            && lastValue(spec.getArgs(), List.of("--kv-cache-dtype"))
                .map(v -> v.startsWith("fp8"))
                .orElse(false);
    return fp8 ? 1 : KV_BYTES;
  }

  static long overheadPerGpu(Runtime runtime) {
    return switch (runtime) {
      case VLLM, SGLANG, TGI -> GIB;
      case LLAMA_CPP, OLLAMA -> GIB / 2;
    };
  }

  /** Bytes of one GPU the runtime takes for itself by default. */
  static long usable(Runtime runtime, long mib) {
    return switch (runtime) {
      case VLLM -> mib * MIB / 10 * 9;
      case SGLANG -> mib * MIB / 100 * 88;
      case LLAMA_CPP, OLLAMA, TGI -> mib * MIB;
    };
  }

  /**
   * The fewest GPUs beyond the current count whose memory holds the model; vLLM, SGLang and TGI
   * shard attention heads over the GPUs, so the count must divide them.
   */
  private static OptionalLong smallestGpuCount(
      ModelServerSpec spec, DownloadModel model, long withoutOverhead, long perGpu, int gpus) {
    boolean shardsHeads =
        spec.getRuntime() != Runtime.LLAMA_CPP && spec.getRuntime() != Runtime.OLLAMA;
    for (int n = gpus + 1; n <= MAX_GPUS; n++) {
      boolean divides =
          !shardsHeads || model.getAttentionHeads() == null || model.getAttentionHeads() % n == 0;
      if (divides && withoutOverhead + overheadPerGpu(spec.getRuntime()) * n <= perGpu * n) {
        return OptionalLong.of(n);
      }
    }
    return OptionalLong.empty();
  }

  private static String contextFlag(Runtime runtime) {
    return switch (runtime) {
      case VLLM -> "--max-model-len";
      case SGLANG -> "--context-length";
      case LLAMA_CPP -> "--ctx-size";
      case TGI -> "--max-total-tokens";
      case OLLAMA -> "OLLAMA_CONTEXT_LENGTH";
    };
  }

  private static boolean complete(DownloadModel model) {
    return model.getWeightsBytes() != null
        && model.getLayers() != null
        && model.getKeyValueHeads() != null
        && model.getHeadDim() != null;
  }

  private static GpuFit notChecked(String message) {
    return new GpuFit(Outcome.NOT_CHECKED, Optional.empty(), message);
  }

  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) GIB);
  }
}
