package dev.llmfleet.e2e.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.e2e.support.Cluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as a person runs it: usage, and one readable line (no stack trace) for every
 * mistake.
 */
class CommandLineIT {

  private static final Path JAR = Cluster.operatorJar();

  @Test
  void helpListsRunAndDownload() throws Exception {
    Outcome help = java(Map.of(), "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout()).contains("run", "download");
  }

  @Test
  void downloadHelpNamesItsFlags() throws Exception {
    Outcome help = java(Map.of(), "download", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout()).contains("--namespace", "--name", "--root");
  }

  @Test
  void runWithoutAClusterFailsWithOneLine(@TempDir Path home) throws Exception {
    Outcome run =
        java(
            Map.of("KUBECONFIG", home.resolve("missing").toString(), "HOME", home.toString()),
            "run");

    assertThat(run.exitCode()).isNotZero();
    assertOneLine(run.stderr());
    assertThat(run.stderr()).contains("cannot reach the Kubernetes API");
  }

  @Test
  void badConfigurationNamesTheVariable() throws Exception {
    Outcome run = java(Map.of("LLMFLEET_HTTP_PORT", "eighty"), "run");

    assertThat(run.exitCode()).isEqualTo(2);
    assertOneLine(run.stderr());
    assertThat(run.stderr()).contains("LLMFLEET_HTTP_PORT must be an integer between 1 and 65535");
  }

  @Test
  void unknownFlagIsOneLine() throws Exception {
    Outcome run =
        java(Map.of(), "download", "--namespace", "a", "--name", "b", "--root", "/tmp", "--bogus");

    assertThat(run.exitCode()).isEqualTo(2);
    assertOneLine(run.stderr());
    assertThat(run.stderr()).contains("Unknown option: '--bogus'");
  }

  private static void assertOneLine(String stderr) {
    assertThat(stderr.strip().lines()).as(stderr).hasSize(1);
    assertThat(stderr).doesNotContain("Exception", "\tat ");
  }

  private record Outcome(int exitCode, String stdout, String stderr) {}

  private static Outcome java(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("cli", ".out");
    Path err = Files.createTempFile("cli", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("LLMFLEET_") || k.equals("KUBERNETES_SERVICE_HOST"));
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished within a minute").isTrue();
    return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
