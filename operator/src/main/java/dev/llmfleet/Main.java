package dev.llmfleet;

import dev.llmfleet.cli.PluginCommand;
import dev.llmfleet.common.Errors;
import dev.llmfleet.config.ConfigException;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.config.VersionProvider;
import dev.llmfleet.inpod.cleanup.CleanupCommand;
import dev.llmfleet.inpod.downloader.DownloadCommand;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * Entry point of the jar. Every failure a person can cause (bad flag, bad variable, no cluster)
 * ends as one line on stderr and a non-zero exit code, never a stack trace.
 */
@Command(
    name = "llmfleet",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Kubernetes operator for fleets of self-hosted LLMs; runs `run` by default.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success (also a stop by SIGTERM)",
      "1:failure (cluster unreachable, operator could not start)",
      "2:invalid flag or configuration"
    })
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    // The kubectl plugin has exit codes and error lines of its own (see PluginCommand), which
    // picocli would replace
    // with the root's if it ran as a subcommand of this one.
    if (args.length > 0 && args[0].equals(PluginCommand.NAME)) {
      System.exit(PluginCommand.commandLine().execute(Arrays.copyOfRange(args, 1, args.length)));
    }
    selectLogFormat();
    // A download pod starts this process for every run: building the plugin's commands (reflection
    // over dozens of classes) would delay its first byte for nothing.
    boolean download = args.length > 0 && args[0].equals("download");
    System.exit((download ? downloadCommandLine() : commandLine()).execute(args));
  }

  static CommandLine commandLine() {
    // Added here, not in @Command, so that the usage lists it after the method subcommand `run`.
    return handlers(
        new CommandLine(new Main())
            .addSubcommand(new DownloadCommand())
            .addSubcommand(new CleanupCommand())
            .addSubcommand(PluginCommand.NAME, PluginCommand.commandLine()));
  }

  /**
   * The root with only `download` (and `run`) under it: the same names, usage and errors for it.
   */
  static CommandLine downloadCommandLine() {
    return handlers(new CommandLine(new Main()).addSubcommand(new DownloadCommand()));
  }

  private static CommandLine handlers(CommandLine root) {
    return root.setParameterExceptionHandler(Main::onInvalidInput)
        .setExecutionExceptionHandler(
            (e, commandLine, parseResult) -> {
              commandLine.getErr().println("llmfleet: " + message(e));
              return e instanceof ConfigException
                  ? CommandLine.ExitCode.USAGE
                  : CommandLine.ExitCode.SOFTWARE;
            });
  }

  @Override
  public Integer call() throws Exception {
    return run();
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "Run the operator (the default command).",
        "Uses the in-cluster configuration or KUBECONFIG; settings come from LLMFLEET_* variables."
      })
  int run() throws Exception {
    new OperatorRunner(OperatorConfig.fromEnvironment(System.getenv())).run();
    return CommandLine.ExitCode.OK;
  }

  /**
   * Chooses the logback configuration before any logger exists: logback reads it once, at the first
   * LoggerFactory call.
   */
  private static void selectLogFormat() {
    try {
      if (OperatorConfig.parseLogFormat(System.getenv()) == OperatorConfig.LogFormat.JSON) {
        System.setProperty("logback.configurationFile", "logback-json.xml");
      }
    } catch (ConfigException e) {
      System.err.println("llmfleet: " + e.getMessage());
      System.exit(CommandLine.ExitCode.USAGE);
    }
  }

  private static int onInvalidInput(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    String command = commandLine.getCommandSpec().qualifiedName();
    PrintWriter err = commandLine.getErr();
    err.println(
        command + ": " + Errors.oneLine(e.getMessage()) + " (see '" + command + " --help')");
    return CommandLine.ExitCode.USAGE;
  }

  /** Our own failures carry a sentence for people; others are told by their cause chain. */
  private static String message(Exception e) {
    return e instanceof ConfigException || e instanceof IllegalStateException
        ? Errors.oneLine(e.getMessage())
        : Errors.describe(e);
  }
}
