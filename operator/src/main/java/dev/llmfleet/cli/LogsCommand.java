package dev.llmfleet.cli;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.common.Labels;
import dev.llmfleet.download.DownloadResources;
import dev.llmfleet.finetune.FineTuneResources;
import dev.llmfleet.modelserver.ModelServerResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Logs of the right pod: a Download's or FineTuneJob's current run, or a ModelServer's pod (a ready"
          + " one first).",
      "--previous: the latest failed run's pod, or the server container's previous instance."
    })
final class LogsCommand implements Callable<Integer> {

  @ParentCommand PluginCommand plugin;

  @Parameters(paramLabel = "KIND/NAME", description = "For example dl/qwen2-5-7b or ms/qwen-chat.")
  String resource;

  @Option(
      names = {"-p", "--previous"},
      description = "The failed run (or the server's previous container).")
  boolean previous;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing as the pod logs.")
  boolean follow;

  @Option(
      names = "--tail",
      paramLabel = "LINES",
      defaultValue = "-1",
      description = "Only the last LINES lines (default: all).")
  int tail;

  /** The pod to read and whether to read its container's previous instance. */
  record Choice(Pod pod, boolean previousContainer) {}

  @Override
  public Integer call() throws Exception {
    Target target = plugin.target;
    ResourceRef ref = ResourceRef.parse(resource);
    String namespace = target.namespace();
    Snapshot snapshot = Snapshot.read(target.client(), namespace);
    HasMetadata owner =
        snapshot
            .find(ref.kind(), namespace, ref.name())
            .orElseThrow(() -> CliException.notFound(ref, namespace));
    Choice choice =
        choose(snapshot, owner, previous)
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCodes.NOT_FOUND,
                        ref
                            + " has no "
                            + (previous ? "failed run or previous container" : "pod")
                            + " to read logs from"));
    var pod =
        target
            .client()
            .pods()
            .inNamespace(namespace)
            .withName(choice.pod().getMetadata().getName());
    var container = pod.inContainer(choice.pod().getSpec().getContainers().get(0).getName());
    var logs = choice.previousContainer() ? container.terminated() : container;
    if (follow) {
      try (var watch = (tail >= 0 ? logs.tailingLines(tail) : logs).watchLog(System.out)) {
        watch.onClose().toCompletableFuture().get();
      }
    } else {
      System.out.print(tail >= 0 ? logs.tailingLines(tail).getLog() : logs.getLog());
    }
    return ExitCodes.OK;
  }

  /** Pure: the pod whose logs tell about {@code owner}. */
  static Optional<Choice> choose(Snapshot snapshot, HasMetadata owner, boolean previous) {
    String namespace = owner.getMetadata().getNamespace();
    if (owner instanceof ModelServer server) {
      List<Pod> pods = snapshot.pods(namespace, ModelServerResources.selector(server));
      return pods.stream()
          .filter(PodStates::isReady)
          .findFirst()
          .or(() -> pods.stream().findFirst())
          .map(pod -> new Choice(pod, previous));
    }
    List<Run> runs =
        owner instanceof Download d && d.getStatus() != null
            ? d.getStatus().getRuns()
            : owner instanceof FineTuneJob j && j.getStatus() != null
                ? j.getStatus().getRuns()
                : null;
    String component =
        owner instanceof Download ? DownloadResources.COMPONENT : FineTuneResources.COMPONENT;
    if (runs == null) {
      return Optional.empty();
    }
    List<Run> candidates =
        runs.stream().filter(run -> !previous || run.getPhase() == RunPhase.Failed).toList();
    for (int i = candidates.size() - 1; i >= 0; i--) {
      Map<String, String> labels = Labels.selector(owner, component);
      labels.put(Labels.RUN, Integer.toString(candidates.get(i).getAttempt()));
      Optional<Pod> pod = snapshot.pods(namespace, labels).stream().findFirst();
      if (pod.isPresent()) {
        return pod.map(p -> new Choice(p, false));
      }
    }
    return Optional.empty();
  }
}
