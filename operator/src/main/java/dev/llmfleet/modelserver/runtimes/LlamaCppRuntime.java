package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.modelserver.AdapterLocation;
import dev.llmfleet.modelserver.ModelLocation;
import java.util.ArrayList;
import java.util.List;

/** llama.cpp's llama-server, for GGUF files, on CPUs or GPUs. */
public final class LlamaCppRuntime implements ServerRuntime {

  @Override
  public String defaultImage() {
    return "ghcr.io/ggml-org/llama.cpp:server-cuda-b6730";
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
  public List<String> args(ModelServer server, ModelLocation model, List<AdapterLocation> adapters, int port) {
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
    args.add("--host");
    args.add("0.0.0.0");
    args.add("--port");
    args.add(Integer.toString(port));
    if (ServerRuntime.gpus(server) > 0) {
      // Offload every layer; llama.cpp caps the number at the model's own.
      args.add("-ngl");
      args.add("999");
    }
    args.add("--alias");
    args.add(ServerRuntime.servedModelName(server));
    args.add("--metrics");
    return args;
  }
}
