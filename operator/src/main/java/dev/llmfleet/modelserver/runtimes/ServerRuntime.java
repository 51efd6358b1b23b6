package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.ModelServer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/** What one inference server needs to run: image, command line, port and health endpoint. */
public interface ServerRuntime {

  /** The pinned image used when spec.image is empty. */
  String defaultImage();

  /**
   * The pinned image for this server when spec.image is empty; a runtime may pick a CPU build for 0
   * GPUs.
   */
  default String defaultImage(ModelServer server) {
    return defaultImage();
  }

  int defaultPort();

  /** HTTP path answering 200 once the model is loaded. */
  String healthPath();

  /**
   * Where the server reports its load for the autoscaler; empty when it has no Prometheus endpoint.
   */
  default Optional<LoadMetrics> loadMetrics() {
    return Optional.empty();
  }

  /** The container command, or an empty list for the image's entrypoint. */
  default List<String> command(ModelServer server, ModelLocation model) {
    return List.of();
  }

  /** The runtime's arguments, before spec.args. */
  List<String> args(
      ModelServer server, ModelLocation model, List<AdapterLocation> adapters, int port);

  /** vLLM and TGI share tensors between processes through /dev/shm, which is 64 MiB by default. */
  default boolean needsSharedMemory() {
    return false;
  }

  /**
   * Variables pointing the runtime's caches at the writable /cache volume (the root filesystem is
   * read-only).
   */
  default List<String[]> cacheEnv() {
    return List.of(new String[] {"HOME", "/cache"}, new String[] {"HF_HOME", "/cache/huggingface"});
  }

  static int gpus(ModelServer server) {
    Integer gpus =
        server.getSpec().getResources() == null ? null : server.getSpec().getResources().getGpus();
    return gpus == null ? 0 : gpus;
  }

  /**
   * Whole CPUs of resources.cpu, at least 1 ("500m" is 1, "2.5" is 2); empty when no cpu is set.
   */
  static OptionalInt wholeCpus(ModelServer server) {
    var resources = server.getSpec().getResources();
    if (resources == null || resources.getCpu() == null) {
      return OptionalInt.empty();
    }
    BigDecimal cpus = resources.getCpu().getNumericalAmount();
    return OptionalInt.of(Math.max(1, cpus.setScale(0, RoundingMode.FLOOR).intValueExact()));
  }

  static String servedModelName(ModelServer server) {
    String name = server.getSpec().getServedModelName();
    return name == null || name.isEmpty() ? server.getMetadata().getName() : name;
  }

  /** Whether spec.args already sets one of these flags, alone or as flag=value. */
  static boolean userArgsSet(ModelServer server, String... flags) {
    List<String> args = server.getSpec().getArgs();
    return args != null
        && Stream.of(flags)
            .anyMatch(
                flag -> args.stream().anyMatch(a -> a.equals(flag) || a.startsWith(flag + "=")));
  }

  /**
   * The downloaded copy, else the Hugging Face repository: for servers that load a model from
   * either.
   */
  static String pathOrRepo(ModelLocation model) {
    return model.isDownload() ? model.localPath() : model.huggingFaceRepo();
  }

  /**
   * Listening on every interface of the pod, on port; hostFlag is the runtime's name for the
   * address.
   */
  static List<String> listenArgs(String hostFlag, int port) {
    return List.of(hostFlag, "0.0.0.0", "--port", Integer.toString(port));
  }

  /**
   * The first of flags with the GPU count, to split the model over a server's GPUs when it has
   * several, unless spec.args already sets one of flags (a runtime may have aliases for it).
   */
  static List<String> gpuSplitArgs(ModelServer server, String... flags) {
    int gpus = gpus(server);
    if (gpus <= 1 || userArgsSet(server, flags)) {
      return List.of();
    }
    return List.of(flags[0], Integer.toString(gpus));
  }

  /**
   * LoRA on, then flag with name=path per adapter (as vLLM and SGLang take them); nothing without
   * adapters.
   */
  static List<String> loraArgs(String flag, List<AdapterLocation> adapters) {
    if (adapters.isEmpty()) {
      return List.of();
    }
    List<String> args = new ArrayList<>(List.of("--enable-lora", flag));
    adapters.forEach(adapter -> args.add(adapter.name() + "=" + adapter.localPath()));
    return args;
  }
}
