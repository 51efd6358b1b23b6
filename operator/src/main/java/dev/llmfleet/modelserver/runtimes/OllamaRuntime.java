package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.ModelServer;
import java.util.List;

/**
 * Ollama: the server, then the model pulled (ollama://) or created from a downloaded GGUF. The
 * script is a constant; the model names reach it as positional arguments, never spliced into its
 * text.
 */
public final class OllamaRuntime implements ServerRuntime {

  static final String ENTRYPOINT =
      String.join(
          "\n",
          "set -e",
          "ollama serve & server=$!",
          "until ollama list >/dev/null 2>&1; do sleep 1; done",
          "if [ -n \"$2\" ]; then printf 'FROM %s\\n' \"$2\" > /cache/Modelfile; ollama create \"$1\" -f /cache/Modelfile;"
              + " else ollama pull \"$1\"; fi",
          "wait $server");

  @Override
  public String defaultImage() {
    return "ollama/ollama:0.12.3";
  }

  @Override
  public int defaultPort() {
    return 11434;
  }

  @Override
  public String healthPath() {
    return "/api/version";
  }

  @Override
  public List<String> command(ModelServer server, ModelLocation model) {
    return List.of("/bin/sh", "-c", ENTRYPOINT, "ollama-entrypoint");
  }

  /** $1: the model name Ollama serves; $2: the GGUF to create it from, or empty to pull $1. */
  @Override
  public List<String> args(
      ModelServer server, ModelLocation model, List<AdapterLocation> adapters, int port) {
    if (model.isDownload()) {
      return List.of(ServerRuntime.servedModelName(server), model.localPath());
    }
    return List.of(model.uri().substring("ollama://".length()), "");
  }

  @Override
  public List<String[]> cacheEnv() {
    return List.of(
        new String[] {"HOME", "/cache"}, new String[] {"OLLAMA_MODELS", "/cache/ollama"});
  }
}
