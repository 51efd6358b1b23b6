package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.AutoscalingMetric;
import dev.llmfleet.api.v1alpha1.ModelServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** vLLM's OpenAI-compatible server; it serves LoRA adapters beside the base model. */
public final class VllmRuntime implements ServerRuntime {

  @Override
  public String defaultImage() {
    return "vllm/vllm-openai:v0.11.0";
  }

  @Override
  public int defaultPort() {
    return 8000;
  }

  @Override
  public String healthPath() {
    return "/health";
  }

  @Override
  public List<String> args(
      ModelServer server, ModelLocation model, List<AdapterLocation> adapters, int port) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--model",
                ServerRuntime.pathOrRepo(model),
                "--served-model-name",
                ServerRuntime.servedModelName(server)));
    args.addAll(ServerRuntime.listenArgs("--host", port));
    args.addAll(ServerRuntime.gpuSplitArgs(server, "--tensor-parallel-size"));
    args.addAll(ServerRuntime.loraArgs("--lora-modules", adapters));
    return args;
  }

  /**
   * vLLM's /metrics on the server port. The KV cache gauge is vllm:kv_cache_usage_perc since the V1
   * engine; vllm:gpu_cache_usage_perc is its older name (both are a 0..1 share despite "perc").
   */
  @Override
  public Optional<LoadMetrics> loadMetrics() {
    return Optional.of(
        new LoadMetrics(
            "/metrics",
            Map.of(
                AutoscalingMetric.RUNNING, List.of("vllm:num_requests_running"),
                AutoscalingMetric.WAITING, List.of("vllm:num_requests_waiting"),
                AutoscalingMetric.KV_CACHE,
                    List.of("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"))));
  }

  @Override
  public boolean needsSharedMemory() {
    return true;
  }
}
