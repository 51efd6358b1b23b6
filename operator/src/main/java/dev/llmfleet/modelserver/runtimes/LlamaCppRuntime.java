package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.AutoscalingMetric;
import dev.llmfleet.api.v1alpha1.ModelServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** llama.cpp's llama-server, for GGUF files, on CPUs or GPUs. */
public final class LlamaCppRuntime implements ServerRuntime {

  /** The CUDA build, for servers with GPUs. */
  static final String CUDA_IMAGE = "ghcr.io/ggml-org/llama.cpp:server-cuda-b6730";

  /**
   * The CPU build of the same release, for servers with 0 GPUs: a fraction of the size, no CUDA
   * libraries.
   */
  static final String CPU_IMAGE = "ghcr.io/ggml-org/llama.cpp:server-b6730";

  @Override
  public String defaultImage() {
    return CUDA_IMAGE;
  }

  @Override
  public String defaultImage(ModelServer server) {
    return ServerRuntime.gpus(server) > 0 ? CUDA_IMAGE : CPU_IMAGE;
  }

  @Override
  public int defaultPort() {
    return 8080;
  }

  @Override
  public String healthPath() {
    return "/health";
  }

  @Override
  public List<String> args(
      ModelServer server, ModelLocation model, List<AdapterLocation> adapters, int port) {
    List<String> args = new ArrayList<>();
    if (model.isDownload()) {
      args.add("-m");
      args.add(model.localPath());
    } else if (model.isHuggingFace()) {
      args.add("-hf");
      args.add(model.huggingFaceRepo());
    } else {
      args.add("--model-url");
      args.add(model.uri());
    }
    args.addAll(ServerRuntime.listenArgs("--host", port));
    if (ServerRuntime.gpus(server) > 0) {
      // Offload every layer; llama.cpp caps the number at the model's own.
      args.add("-ngl");
      args.add("999");
    }
    // llama.cpp starts one thread per core of the node, whatever the pod's CPU limit; with a limit,
    // that many
    // threads would be throttled in turn. Without a limit (no resources.cpu) its own choice stands.
    var cpus = ServerRuntime.wholeCpus(server);
    if (cpus.isPresent() && !ServerRuntime.userArgsSet(server, "--threads", "-t")) {
      args.add("--threads");
      args.add(Integer.toString(cpus.getAsInt()));
    }
    args.add("--alias");
    args.add(ServerRuntime.servedModelName(server));
    args.add("--metrics");
    return args;
  }

  /**
   * llama-server's /metrics, on with --metrics (which args always sets). requests_deferred are
   * requests waiting for a free slot (--parallel). llamacpp:kv_cache_usage_ratio is gone from
   * recent builds (the one the e2e node runs has none); a server without it is reported as lacking
   * the metric.
   */
  @Override
  public Optional<LoadMetrics> loadMetrics() {
    return Optional.of(
        new LoadMetrics(
            "/metrics",
            Map.of(
                AutoscalingMetric.RUNNING, List.of("llamacpp:requests_processing"),
                AutoscalingMetric.WAITING, List.of("llamacpp:requests_deferred"),
                AutoscalingMetric.KV_CACHE, List.of("llamacpp:kv_cache_usage_ratio"))));
  }

  /**
   * HOME and the cache llama-server downloads -hf and --model-url models into, on the writable
   * /cache volume.
   */
  @Override
  public List<String[]> cacheEnv() {
    return List.of(
        new String[] {"HOME", "/cache"},
        new String[] {"LLAMA_CACHE", "/cache/llama.cpp"},
        new String[] {"HF_HOME", "/cache/huggingface"});
  }
}
