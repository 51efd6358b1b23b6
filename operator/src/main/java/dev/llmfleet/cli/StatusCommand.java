package dev.llmfleet.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "The fleet at a glance, by kind: phase, progress, readiness, GPUs and what is wrong, with a verdict.",
      "Exits 0 when everything is Ready, 5 while something progresses, 1 when something is Stalled."
    })
final class StatusCommand implements Callable<Integer> {

  @ParentCommand PluginCommand plugin;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    Target target = plugin.target;
    String namespace = target.namespaceOrAll();
    StatusReport report = StatusReport.of(Snapshot.read(target.client(), namespace), namespace);
    output.print(report, report.render());
    return report.exitCode();
  }
}
