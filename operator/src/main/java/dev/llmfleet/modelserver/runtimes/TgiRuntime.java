package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.AutoscalingMetric;
import dev.llmfleet.api.v1alpha1.ModelServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Hugging Face Text Generation Inference, with its OpenAI-compatible Messages API. */
public final class TgiRuntime implements ServerRuntime {

  @Override
  public String defaultImage() {
    return "ghcr.io/huggingface/text-generation-inference:3.3.6";
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
    List<String> args = new ArrayList<>(List.of("--model-id", ServerRuntime.pathOrRepo(model)));
    args.addAll(ServerRuntime.gpuSplitArgs(server, "--num-shard"));
    args.addAll(ServerRuntime.listenArgs("--hostname", port));
    return args;
  }

  /**
   * TGI's /metrics: the router's queue and current batch; no KV cache share (the CRD refuses
   * kvCache for tgi).
   */
  @Override
  public Optional<LoadMetrics> loadMetrics() {
    return Optional.of(
        new LoadMetrics(
            "/metrics",
            Map.of(
                AutoscalingMetric.RUNNING, List.of("tgi_batch_current_size"),
                AutoscalingMetric.WAITING, List.of("tgi_queue_size"))));
  }

  @Override
  public boolean needsSharedMemory() {
    return true;
  }
}
