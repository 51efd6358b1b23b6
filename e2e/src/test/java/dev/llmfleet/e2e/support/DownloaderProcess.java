package dev.llmfleet.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The downloader as a Download's pod runs it, but as a child process of the test: {@code java -jar
 * operator/target/llmfleet-operator.jar download --namespace NS --name NAME --root DIR} with the
 * cluster's kubeconfig and the pod's environment: LLMFLEET_RUN of the first run ({@code
 * <name>-run-1}) unless given, and secrets such as HF_TOKEN. Its stdout and stderr go to files
 * under target/downloader-logs.
 */
public final class DownloaderProcess implements AutoCloseable {

  private static final Path JAR = Cluster.operatorJar();
  private static final Path LOGS = Path.of("target", "downloader-logs");

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private DownloaderProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts the downloader for a Download.
   *
   * @param env added to the environment, for example {@code HF_TOKEN}; the test JVM's own HF_TOKEN
   *     is never passed on
   */
  public static DownloaderProcess start(
      TestNamespace namespace, String name, Path root, Map<String, String> env) {
    return start(namespace.cluster().kubeconfig(), namespace.name(), name, root, env);
  }

  /**
   * As {@link #start(TestNamespace, String, Path, Map)}, against the cluster of a kubeconfig file.
   */
  public static DownloaderProcess start(
      Path kubeconfig, String namespace, String name, Path root, Map<String, String> env) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: run ./mvnw -B install -DskipTests first");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    try {
      Files.createDirectories(LOGS);
      String base = namespace + "-" + name + "-" + System.nanoTime();
      Path stdout = LOGS.resolve(base + ".out");
      Path stderr = LOGS.resolve(base + ".err");
      ProcessBuilder builder =
          new ProcessBuilder(
                  List.of(
                      java,
                      "-jar",
                      JAR.toString(),
                      "download",
                      "--namespace",
                      namespace,
                      "--name",
                      name,
                      "--root",
                      root.toString()))
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile());
      Map<String, String> environment = builder.environment();
      environment.remove("HF_TOKEN");
      environment.put("KUBECONFIG", kubeconfig.toString());
      environment.put("LLMFLEET_RUN", name + "-run-1");
      environment.putAll(env);
      return new DownloaderProcess(builder.start(), stdout, stderr);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the downloader: " + e.getMessage(), e);
    }
  }

  /** Waits for the exit code. */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "the downloader did not finish within " + timeout + "; output:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** kill -9, as a node failure or an OOM kill would, and waits until it is gone. */
  public void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  /** Both streams, for assertion messages. */
  public String output() {
    return "--- stdout\n" + stdout() + "--- stderr\n" + stderr();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
