package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.Runtime;

/** The runtime class of each spec.runtime value. */
public final class ServerRuntimes {

  private ServerRuntimes() {
  }

  public static ServerRuntime of(Runtime runtime) {
    return switch (runtime) {
      case VLLM -> new VllmRuntime();
      case SGLANG -> new SglangRuntime();
      case LLAMA_CPP -> new LlamaCppRuntime();
      case OLLAMA -> new OllamaRuntime();
      case TGI -> new TgiRuntime();
    };
  }
}
