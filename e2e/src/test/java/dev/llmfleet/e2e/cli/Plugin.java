package dev.llmfleet.e2e.cli;

import dev.llmfleet.e2e.support.Cluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kubectl plugin as a person runs it: the launcher plugin/kubectl-llmfleet on the built jar,
 * against a kubeconfig, either to the end ({@link #run}) or in a real terminal that tmux draws
 * ({@link Tmux}). For any e2e test, the real node's too (chat, logs).
 */
public final class Plugin {

  public static final Path LAUNCHER = Cluster.repoFile("plugin/kubectl-llmfleet");

  private Plugin() {}

  public record Outcome(int exitCode, String stdout, String stderr) {}

  /**
   * Runs {@code kubectl-llmfleet ARGS} to its end (at most {@code timeoutSeconds}), without a
   * terminal.
   */
  public static Outcome run(Map<String, String> env, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("plugin", ".out");
    Path err = Files.createTempFile("plugin", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(environment(env));
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "kubectl-llmfleet "
              + String.join(" ", args)
              + " did not end within "
              + timeoutSeconds
              + " s; stdout:\n"
              + Files.readString(out)
              + "\nstderr:\n"
              + Files.readString(err));
    }
    return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** As {@link #run(Map, long, String...)} against a cluster's kubeconfig. */
  public static Outcome run(Path kubeconfig, String... args)
      throws IOException, InterruptedException {
    return run(Map.of("KUBECONFIG", kubeconfig.toString()), 120, args);
  }

  /**
   * The jar the launcher runs: the one the e2e tests run, whatever the launcher would find by
   * itself.
   */
  private static Map<String, String> environment(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("LLMFLEET_JAR", Cluster.operatorJar().toString());
    all.putIfAbsent(
        "JAVA_HOME",
        Path.of(ProcessHandle.current().info().command().orElseThrow())
            .getParent()
            .getParent()
            .toString());
    return all;
  }

  /**
   * A Download's bytes bar as the plugin draws it in a terminal (progressbar's form: {@code "name
   * 42% │███▌ │ 10/24 MiB (0:00:05 / 0:00:07) Downloading ..."}): its percent and the ETA.
   */
  public record Bar(int percent, int etaSeconds) {

    private static final Pattern DRAWN =
        Pattern.compile("(\\d+)% .*\\(\\d+:\\d\\d:\\d\\d / (\\d+):(\\d\\d):(\\d\\d)\\)");

    /** The first bar on a captured screen, if it shows one. */
    public static Optional<Bar> on(String screen) {
      Matcher bar = DRAWN.matcher(screen);
      if (!bar.find()) {
        return Optional.empty();
      }
      return Optional.of(
          new Bar(
              Integer.parseInt(bar.group(1)),
              Integer.parseInt(bar.group(2)) * 3600
                  + Integer.parseInt(bar.group(3)) * 60
                  + Integer.parseInt(bar.group(4))));
    }
  }

  /**
   * The plugin in a detached tmux session of a fixed size: a real terminal, so the plugin draws its
   * bars. When the command ends, the pane shows "exit=N" and stays until {@link #close()}.
   */
  public static final class Tmux implements AutoCloseable {

    private final String session;

    private Tmux(String session) {
      this.session = session;
    }

    public static Tmux start(
        String session, int width, int height, Map<String, String> env, String... args)
        throws IOException, InterruptedException {
      StringBuilder line = new StringBuilder();
      environment(env)
          .forEach((key, value) -> line.append(key).append('=').append(quote(value)).append(' '));
      line.append("bash ").append(quote(LAUNCHER.toString()));
      for (String arg : args) {
        line.append(' ').append(quote(arg));
      }
      line.append("; echo exit=$?; sleep 3600");
      tmux(
          "new-session",
          "-d",
          "-s",
          session,
          "-x",
          Integer.toString(width),
          "-y",
          Integer.toString(height),
          "env " + line);
      return new Tmux(session);
    }

    /** What the terminal shows now, line by line. */
    public String capture() throws IOException, InterruptedException {
      return tmux("capture-pane", "-p", "-t", session);
    }

    @Override
    public void close() throws IOException, InterruptedException {
      tmux("kill-session", "-t", session);
    }

    private static String tmux(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of("tmux"));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    }

    /** Single quotes for the shell tmux runs the command in. */
    private static String quote(String value) {
      return "'" + value.replace("'", "'\\''") + "'";
    }
  }
}
