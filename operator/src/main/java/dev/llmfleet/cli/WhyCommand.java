package dev.llmfleet.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "why",
    mixinStandardHelpOptions = true,
    description = {
      "Why a resource is not Ready, followed across resources: ModelServer, its Download, the latest run,"
          + " the run's pod. Each line names the object and the condition that explains it.",
      "Exits 0 when it is Ready, 5 while it progresses, 1 when something in the chain failed for good."
    })
final class WhyCommand implements Callable<Integer> {

  @ParentCommand PluginCommand plugin;

  @Parameters(
      paramLabel = "KIND/NAME",
      description = "For example ms/qwen-chat, dl/qwen2-5-7b, ftj/support-lora.")
  String resource;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    Target target = plugin.target;
    String namespace = target.namespace();
    Why why =
        explain(Snapshot.read(target.client(), namespace), ResourceRef.parse(resource), namespace);
    output.print(why, why.render());
    return why.exitCode();
  }

  /** Shared with chat, which says why a server it cannot talk to is not Ready. */
  static Why explain(Snapshot snapshot, ResourceRef ref, String namespace) {
    return Why.explain(snapshot, ref, namespace)
        .orElseThrow(() -> CliException.notFound(ref, namespace));
  }
}
