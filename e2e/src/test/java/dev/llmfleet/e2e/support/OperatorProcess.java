package dev.llmfleet.e2e.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The operator as its pod runs it, but as a child process of the test: {@code java -jar
 * operator/target/llmfleet-operator.jar run} with the cluster's kubeconfig, watching the given
 * namespaces, with leader election on the Lease in {@code POD_NAMESPACE} under the identity {@code
 * POD_NAME}. Its output goes to target/operator-processes/NAME.log. Unlike the in-process operator,
 * it can be killed with SIGKILL.
 */
public final class OperatorProcess implements AutoCloseable {

  private static final Path JAR = Cluster.operatorJar();
  private static final Path LOGS = Path.of("target", "operator-processes");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final int httpPort;
  private final Path log;

  private OperatorProcess(String name, Process process, int httpPort, Path log) {
    this.name = name;
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /**
   * Starts an operator process.
   *
   * @param podName its leader-election identity
   * @param leaseNamespace where its Lease lives
   * @param namespaces the namespaces it watches, comma-separated
   * @param jvmOptions options for the JVM, for example a heap limit
   */
  public static OperatorProcess start(
      Cluster cluster,
      String podName,
      String leaseNamespace,
      String namespaces,
      List<String> jvmOptions) {
    return start(cluster.kubeconfig(), podName, leaseNamespace, namespaces, jvmOptions);
  }

  /**
   * As {@link #start(Cluster, String, String, String, List)}, against the cluster of a kubeconfig
   * file.
   */
  public static OperatorProcess start(
      Path kubeconfig,
      String podName,
      String leaseNamespace,
      String namespaces,
      List<String> jvmOptions) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: run ./mvnw -B install -DskipTests first");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    try {
      Files.createDirectories(LOGS);
      Path log = LOGS.resolve(podName + "-" + System.nanoTime() + ".log");
      int port = freePort();
      List<String> command = new java.util.ArrayList<>();
      command.add(java);
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", JAR.toString(), "run"));
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      env.remove("KUBERNETES_SERVICE_HOST");
      env.put("KUBECONFIG", kubeconfig.toString());
      env.put("LLMFLEET_NAMESPACES", namespaces);
      env.put("LLMFLEET_HTTP_PORT", Integer.toString(port));
      env.put("LLMFLEET_LEADER_ELECTION", "true");
      env.put("LLMFLEET_IMAGE", "llmfleet/llmfleet-operator:e2e");
      env.put("POD_NAME", podName);
      env.put("POD_NAMESPACE", leaseNamespace);
      return new OperatorProcess(podName, builder.start(), port, log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the operator: " + e.getMessage(), e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Whether /readyz answers 200 (informers synced; a standby replica is ready too). */
  public boolean ready() {
    return get("/readyz").map(r -> r.statusCode() == 200).orElse(false);
  }

  /** The text of /metrics, if it answers. */
  public Optional<String> metrics() {
    return get("/metrics").filter(r -> r.statusCode() == 200).map(HttpResponse::body);
  }

  private Optional<HttpResponse<String>> get(String path) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
              .timeout(Duration.ofSeconds(5))
              .build();
      return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** kill -9, as a node failure or an OOM kill would, and waits until it is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("operator process " + name + " survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Its output so far, for assertion messages. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
