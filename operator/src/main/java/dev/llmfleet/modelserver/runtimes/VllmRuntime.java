package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.modelserver.AdapterLocation;
import dev.llmfleet.modelserver.ModelLocation;
import java.util.ArrayList;
import java.util.List;

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
  public List<String> args(ModelServer server, ModelLocation model, List<AdapterLocation> adapters, int port) {
    List<String> args = new ArrayList<>();
    args.add("--model");
    args.add(model.isDownload() ? model.localPath() : model.huggingFaceRepo());
    args.add("--served-model-name");
    args.add(ServerRuntime.servedModelName(server));
    args.add("--host");
    args.add("0.0.0.0");
    args.add("--port");
    args.add(Integer.toString(port));
    int gpus = ServerRuntime.gpus(server);
    if (gpus > 1 && !ServerRuntime.userArgsSet(server, "--tensor-parallel-size")) {
      args.add("--tensor-parallel-size");
      args.add(Integer.toString(gpus));
    }
    if (!adapters.isEmpty()) {
      args.add("--enable-lora");
      args.add("--lora-modules");
      adapters.forEach(adapter -> args.add(adapter.name() + "=" + adapter.localPath()));
    }
    return args;
  }

  @Override
  public boolean needsSharedMemory() {
    return true;
  }
}
