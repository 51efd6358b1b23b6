package dev.llmfleet.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.llmfleet.common.Errors;
import dev.llmfleet.config.VersionProvider;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/**
 * {@code kubectl llmfleet}: the jar's {@code cli} command, which the launcher script
 * kubectl-llmfleet runs. Every failure is one line on stderr and an exit code from {@link
 * ExitCodes}, never a stack trace.
 */
@Command(
    name = "kubectl-llmfleet",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "LLMFleet from kubectl: status, live download progress, why a resource waits, logs and chat.",
    subcommands = {
      StatusCommand.class,
      WatchCommand.class,
      WhyCommand.class,
      LogsCommand.class,
      ChatCommand.class,
      VersionCommand.class
    },
    footer = {"", "Shell completion: source <(kubectl-llmfleet completion) in bash or zsh."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {})
public final class PluginCommand implements Runnable {

  /** The name the jar knows it by: {@code java -jar llmfleet-operator.jar cli status}. */
  public static final String NAME = "cli";

  @Mixin Target target;

  /**
   * The plugin's command line, with its own error handling; Main adds it as the subcommand {@value
   * #NAME}.
   */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new PluginCommand());
    commandLine.getCommandSpec().usageMessage().exitCodeList(exitCodes());
    commandLine
        .getSubcommands()
        .values()
        .forEach(
            sub ->
                sub.getCommandSpec()
                    .usageMessage()
                    .exitCodeListHeading("%nExit codes:%n")
                    .exitCodeList(exitCodes()));
    commandLine.addSubcommand("completion", new AutoComplete.GenerateCompletion());
    commandLine.getSubcommands().get("completion").getCommandSpec().usageMessage().hidden(false);
    return commandLine
        .setParameterExceptionHandler(PluginCommand::onInvalidInput)
        .setExecutionExceptionHandler(
            (e, line, parseResult) -> {
              line.getErr().println(line.getCommandSpec().root().name() + ": " + message(e));
              return exitCode(e);
            })
        .setExecutionStrategy(
            parseResult -> {
              quietLogs();
              return new CommandLine.RunLast().execute(parseResult);
            });
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  private static java.util.Map<String, String> exitCodes() {
    java.util.Map<String, String> codes = new java.util.LinkedHashMap<>();
    for (String entry : ExitCodes.LIST) {
      int colon = entry.indexOf(':');
      codes.put(entry.substring(0, colon), entry.substring(colon + 1));
    }
    return codes;
  }

  /**
   * fabric8's warnings (a watch reconnecting) would mix with the plugin's own output, which says
   * what matters.
   */
  private static void quietLogs() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.OFF);
  }

  private static int onInvalidInput(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    String command = commandLine.getCommandSpec().qualifiedName();
    PrintWriter err = commandLine.getErr();
    err.println(
        command + ": " + Errors.oneLine(e.getMessage()) + " (see '" + command + " --help')");
    return ExitCodes.USAGE;
  }

  private static int exitCode(Exception e) {
    if (e instanceof CliException cli) {
      return cli.exitCode();
    }
    if (e instanceof KubernetesClientException k && k.getCode() == 404) {
      return ExitCodes.NOT_FOUND;
    }
    return ExitCodes.FAILED;
  }

  /**
   * Ours are sentences for people; the API server's are its status message; others are told by
   * their causes.
   */
  private static String message(Exception e) {
    if (e instanceof CliException) {
      return Errors.oneLine(e.getMessage());
    }
    if (e instanceof KubernetesClientException k
        && k.getStatus() != null
        && k.getStatus().getMessage() != null) {
      return Errors.oneLine(k.getStatus().getMessage());
    }
    return Errors.describe(e);
  }
}
