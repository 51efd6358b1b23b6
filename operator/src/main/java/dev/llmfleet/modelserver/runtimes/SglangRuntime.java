package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.AutoscalingMetric;
import dev.llmfleet.api.v1alpha1.ModelServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SGLang's OpenAI-compatible server ({@code python3 -m sglang.launch_server}); it serves LoRA
 * adapters beside the base model, and its Prometheus metrics at /metrics on the same port once
 * {@code --enable-metrics} is given.
 */
public final class SglangRuntime implements ServerRuntime {

  @Override
  public String defaultImage() {
    return "lmsysorg/sglang:v0.5.18";
  }

  @Override
  public int defaultPort() {
    return 30000;
  }

  /**
   * /health, not /health_generate: the latter runs a generation, which on a busy server can outlast
   * the probe's timeout and so take replicas out of the Service exactly when they are needed most.
   */
  @Override
  public String healthPath() {
    return "/health";
  }

  @Override
  public List<String> command(ModelServer server, ModelLocation model) {
    return List.of("python3", "-m", "sglang.launch_server");
  }

  @Override
  public List<String> args(
      ModelServer server, ModelLocation model, List<AdapterLocation> adapters, int port) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--model-path",
                ServerRuntime.pathOrRepo(model),
                "--served-model-name",
                ServerRuntime.servedModelName(server)));
    args.addAll(ServerRuntime.listenArgs("--host", port));
    args.addAll(ServerRuntime.gpuSplitArgs(server, "--tp", "--tp-size"));
    args.add("--enable-metrics");
    args.addAll(ServerRuntime.loraArgs("--lora-paths", adapters));
    return args;
  }

  /**
   * SGLang's /metrics (with --enable-metrics, which args sets); sglang:token_usage is the KV
   * cache's share in use.
   */
  @Override
  public Optional<LoadMetrics> loadMetrics() {
    return Optional.of(
        new LoadMetrics(
            "/metrics",
            Map.of(
                AutoscalingMetric.RUNNING, List.of("sglang:num_running_reqs"),
                AutoscalingMetric.WAITING, List.of("sglang:num_queue_reqs"),
                AutoscalingMetric.KV_CACHE, List.of("sglang:token_usage"))));
  }

  /** Tensor-parallel workers exchange tensors through /dev/shm (NCCL), like vLLM's. */
  @Override
  public boolean needsSharedMemory() {
    return true;
  }
}
