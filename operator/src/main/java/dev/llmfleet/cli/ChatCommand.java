package dev.llmfleet.cli;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.common.KstatusState;
import dev.llmfleet.modelserver.ModelServerResources;
import dev.llmfleet.modelserver.runtimes.ServerRuntime;
import dev.llmfleet.modelserver.runtimes.ServerRuntimes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description = {
      "Ask a ModelServer: a port-forward to one of its ready pods, an OpenAI chat completion (streamed),"
          + " the answer printed. Without PROMPT, a conversation: one question per line, until end of input.",
      "A server that is not Ready is refused with the reason (as why tells it), exit 5, or 1 when it is blocked."
    })
final class ChatCommand implements Callable<Integer> {

  @ParentCommand PluginCommand plugin;

  @Parameters(
      index = "0",
      paramLabel = "ms/NAME",
      description = "The ModelServer, for example ms/qwen-chat.")
  String resource;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "PROMPT",
      description = "One question; none for a conversation.")
  String prompt;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "300",
      description = "Longest wait for one answer (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--no-stream", description = "Ask for the whole answer at once.")
  boolean noStream;

  // A small model can repeat itself without end (llama.cpp's default is no limit): every answer is
  // bounded.
  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      defaultValue = "512",
      description = "Longest answer, in tokens (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Override
  public Integer call() throws Exception {
    ResourceRef ref = ResourceRef.parse(resource);
    if (ref.kind() != Kind.MODEL_SERVER) {
      throw new CliException(
          ExitCodes.USAGE, "chat talks to ModelServers (ms/NAME), not " + ref.kind().kind() + "s");
    }
    Target target = plugin.target;
    String namespace = target.namespace();
    Snapshot snapshot = Snapshot.read(target.client(), namespace);
    Why why = WhyCommand.explain(snapshot, ref, namespace);
    if (!KstatusState.READY.label().equals(why.state())) {
      throw new CliException(
          why.exitCode() == ExitCodes.OK ? ExitCodes.NOT_READY : why.exitCode(), why.oneLine());
    }
    // explain has found it in the same snapshot, or ended the command as not found.
    ModelServer server =
        (ModelServer) snapshot.find(Kind.MODEL_SERVER, namespace, ref.name()).orElseThrow();
    Pod pod =
        snapshot.pods(namespace, ModelServerResources.selector(server)).stream()
            .filter(PodStates::isReady)
            .findFirst()
            .orElseThrow(() -> new CliException(ExitCodes.NOT_READY, ref + " has no ready pod"));
    try (LocalPortForward forward =
        target
            .client()
            .pods()
            .inNamespace(namespace)
            .withName(pod.getMetadata().getName())
            .portForward(ServerRuntimes.port(server))) {
      ChatClient chat =
          new ChatClient(
              URI.create("http://127.0.0.1:" + forward.getLocalPort()),
              ServerRuntime.servedModelName(server),
              maxTokens,
              !noStream,
              Duration.ofSeconds(timeoutSeconds));
      return prompt != null ? ask(chat, new ArrayList<>(), prompt, System.out) : converse(chat);
    }
  }

  private static int converse(ChatClient chat) throws Exception {
    List<ChatClient.Message> history = new ArrayList<>();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (true) {
      System.out.print("> ");
      System.out.flush();
      String line = in.readLine();
      if (line == null) {
        System.out.println();
        return ExitCodes.OK;
      }
      if (!line.isBlank()) {
        ask(chat, history, line, System.out);
      }
    }
  }

  /**
   * Asks with the conversation so far, prints the answer as it comes and keeps both in {@code
   * history}.
   */
  private static int ask(
      ChatClient chat, List<ChatClient.Message> history, String question, PrintStream out)
      throws Exception {
    history.add(new ChatClient.Message("user", question));
    String answer =
        chat.complete(
            history,
            text -> {
              out.print(text);
              out.flush();
            });
    out.println();
    history.add(new ChatClient.Message("assistant", answer));
    return ExitCodes.OK;
  }
}
