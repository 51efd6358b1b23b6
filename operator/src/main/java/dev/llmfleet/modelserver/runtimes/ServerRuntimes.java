package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.Runtime;

/** The runtime class of each spec.runtime value. */
public final class ServerRuntimes {

  private ServerRuntimes() {}

  public static ServerRuntime of(Runtime runtime) {
    return switch (runtime) {
      case VLLM -> new VllmRuntime();
      case SGLANG -> new SglangRuntime();
      case LLAMA_CPP -> new LlamaCppRuntime();
      case OLLAMA -> new OllamaRuntime();
      case TGI -> new TgiRuntime();
    };
  }

  /** The runtime a ModelServer names. */
  public static ServerRuntime of(ModelServer server) {
    return of(server.getSpec().getRuntime());
  }

  /** The port the server listens on: spec.port, else its runtime's default. */
  public static int port(ModelServer server) {
    Integer port = server.getSpec().getPort();
    return port != null ? port : of(server).defaultPort();
  }
}
