package dev.llmfleet.e2e.support;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The cluster the e2e tests run against, shared by the whole test run:
 *
 * <ul>
 *   <li>{@code -De2e.cluster=local} (default): the control plane of e2e/cluster, brought up by
 *       cluster.sh if it is not running, and brought down at the end if this run brought it up
 *       (unless {@code -De2e.keepCluster=true});
 *   <li>{@code -De2e.cluster=kubeconfig}: whatever KUBECONFIG points at; kubectl must be on the
 *       PATH.
 *   <li>{@code -De2e.cluster=k3s}: a K3s container through Testcontainers, where a Docker engine
 *       exists (not on the project's own machines); kubectl must be on the PATH, and it has no fake
 *       GPU nodes, so the scheduling scenarios expect what e2e/cluster provides.
 * </ul>
 *
 * The CRDs of crds/ are applied server-side before any test.
 */
public final class Cluster implements AutoCloseable {

  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path CLUSTER_SH = REPO.resolve("e2e/cluster/cluster.sh");
  private static final Pattern EXPORT = Pattern.compile("^export (\\w+)=(.*)$");

  private final Map<String, String> env;
  private final boolean local;
  private final boolean startedHere;
  private final AutoCloseable container;
  private final KubernetesClient client;

  private Cluster(Map<String, String> env, boolean local, boolean startedHere) {
    this(env, local, startedHere, () -> {});
  }

  private Cluster(
      Map<String, String> env, boolean local, boolean startedHere, AutoCloseable container) {
    this.env = env;
    this.local = local;
    this.startedHere = startedHere;
    this.container = container;
    this.client =
        new KubernetesClientBuilder()
            .withConfig(
                Config.fromKubeconfig(
                    null, readFile(Path.of(env.get("KUBECONFIG"))), env.get("KUBECONFIG")))
            .build();
  }

  static Cluster start() {
    String mode = System.getProperty("e2e.cluster", "local");
    Cluster cluster =
        switch (mode) {
          case "local" -> local();
          case "kubeconfig" -> fromKubeconfig();
          case "k3s" -> k3s();
          default ->
              throw new IllegalArgumentException(
                  "-De2e.cluster must be local, kubeconfig or k3s, got " + mode);
        };
    cluster.installCrds();
    return cluster;
  }

  private static Cluster local() {
    boolean running =
        run(List.of("bash", CLUSTER_SH.toString(), "status"), Duration.ofMinutes(1)).exitCode()
            == 0;
    // `up` builds the binaries on a cold machine: that can take a good part of an hour.
    Result up = run(List.of("bash", CLUSTER_SH.toString(), "up"), Duration.ofMinutes(75));
    if (up.exitCode() != 0) {
      throw new IllegalStateException("cluster.sh up failed:\n" + up.output());
    }
    Map<String, String> env = new HashMap<>(System.getenv());
    up.output()
        .lines()
        .map(EXPORT::matcher)
        .filter(Matcher::matches)
        .forEach(m -> env.put(m.group(1), expandPath(m.group(2), env)));
    return new Cluster(env, true, !running);
  }

  private static Cluster fromKubeconfig() {
    Map<String, String> env = new HashMap<>(System.getenv());
    String kubeconfig =
        env.getOrDefault("KUBECONFIG", System.getProperty("user.home") + "/.kube/config");
    env.put("KUBECONFIG", kubeconfig);
    return new Cluster(env, false, false);
  }

  private static Cluster k3s() {
    K3sContainer k3s =
        new K3sContainer(
            DockerImageName.parse(System.getProperty("e2e.k3sImage", "rancher/k3s:v1.34.1-k3s1")));
    k3s.start();
    try {
      Path kubeconfig = Files.createTempFile("k3s", ".kubeconfig");
      Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("KUBECONFIG", kubeconfig.toString());
      return new Cluster(env, false, false, k3s::stop);
    } catch (IOException e) {
      k3s.stop();
      throw new IllegalStateException(e);
    }
  }

  /** {@code '<bin>':"$PATH"} as cluster.sh prints it (state paths hold no quotes). */
  private static String expandPath(String value, Map<String, String> env) {
    String unquoted = value.replace("'", "").replace("\"", "");
    return unquoted.replace("$PATH", env.getOrDefault("PATH", ""));
  }

  /**
   * The operator's jar that processes started by the tests run: operator/target's, or {@code
   * -Dllmfleet.jar} (the benchmark runs a copy, so that a build in the same tree cannot pull it
   * away mid-run).
   */
  public static Path operatorJar() {
    return Path.of(
        System.getProperty(
            "llmfleet.jar", repoFile("operator/target/llmfleet-operator.jar").toString()));
  }

  /** A file of this repository, for example {@code examples/api/download-http.yaml}. */
  public static Path repoFile(String relative) {
    return REPO.resolve(relative);
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * The kubeconfig of this cluster, for processes the tests start (the downloader, as its pod
   * would).
   */
  public Path kubeconfig() {
    return Path.of(env.get("KUBECONFIG"));
  }

  /**
   * A variable of the cluster's environment, as cluster.sh's env lines set it: for example
   * VAULT_ADDR and VAULT_TOKEN (the dev Vault's address and root token).
   */
  public java.util.Optional<String> env(String name) {
    return java.util.Optional.ofNullable(env.get(name)).filter(v -> !v.isEmpty());
  }

  /**
   * kill -9 of kube-apiserver and the same command line again ({@code cluster.sh crash-apiserver});
   * returns once it answers. Only the local control plane's processes can be crashed: elsewhere the
   * calling test is skipped.
   */
  public void crashApiServer() {
    Assumptions.assumeTrue(
        local,
        "the API server can only be crashed on the local control plane (-De2e.cluster=local)");
    Result crash =
        run(List.of("bash", CLUSTER_SH.toString(), "crash-apiserver"), env, Duration.ofMinutes(3));
    if (crash.exitCode() != 0) {
      throw new IllegalStateException("cluster.sh crash-apiserver failed:\n" + crash.output());
    }
  }

  /** Runs helm against this cluster; the result holds stdout and stderr together. */
  public Result helm(String... args) {
    List<String> command = new ArrayList<>();
    command.add("helm");
    command.addAll(List.of(args));
    return run(command, env, Duration.ofMinutes(3));
  }

  /** Runs kubectl against this cluster; the result holds stdout and stderr together. */
  public Result kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.addAll(List.of(args));
    return run(command, env, Duration.ofMinutes(2));
  }

  private void installCrds() {
    Result applied =
        kubectl(
            "apply", "--server-side", "--force-conflicts", "-f", REPO.resolve("crds").toString());
    if (applied.exitCode() != 0) {
      throw new IllegalStateException("cannot install crds/: " + applied.output());
    }
    try (Stream<Path> files = Files.list(REPO.resolve("crds"))) {
      for (Path file : files.toList()) {
        String name =
            client
                .getKubernetesSerialization()
                .unmarshal(readFile(file), CustomResourceDefinition.class)
                .getMetadata()
                .getName();
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(name)
            .waitUntilCondition(
                crd ->
                    crd != null
                        && crd.getStatus() != null
                        && crd.getStatus().getConditions().stream()
                            .anyMatch(
                                c ->
                                    "Established".equals(c.getType())
                                        && "True".equals(c.getStatus())),
                1,
                TimeUnit.MINUTES);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    client.close();
    container.close();
    if (startedHere && !Boolean.getBoolean("e2e.keepCluster")) {
      run(List.of("bash", CLUSTER_SH.toString(), "down"), Duration.ofMinutes(2));
    }
  }

  public record Result(int exitCode, String output) {}

  private static Result run(List<String> command, Duration timeout) {
    return run(command, System.getenv(), timeout);
  }

  static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    try {
      Path output = Files.createTempFile("e2e-command", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(resolve(command, env))
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      builder.environment().clear();
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + timeout);
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      Files.delete(output);
      return new Result(process.exitValue(), text);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * ProcessBuilder looks programs up in this JVM's PATH, not the child's; kubectl lives in the
   * cluster's bin.
   */
  private static List<String> resolve(List<String> command, Map<String, String> env) {
    String program = command.get(0);
    for (String dir : env.getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, program);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, candidate.toString());
        return resolved;
      }
    }
    return command;
  }

  private static String readFile(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}
