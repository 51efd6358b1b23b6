package dev.llmfleet.cli;

import dev.llmfleet.api.v1alpha1.Adapter;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.KstatusState;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.StatusView;
import dev.llmfleet.download.DownloadResources;
import dev.llmfleet.finetune.FineTuneJobStatuses;
import dev.llmfleet.finetune.FineTuneResources;
import dev.llmfleet.modelserver.ModelServerResources;
import dev.llmfleet.modelserver.ModelServerStatuses;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Why a resource is not Ready, followed across resources: a ModelServer to the Download (or
 * FineTuneJob) it waits for, a Download or FineTuneJob to its latest run, a run or a server to the
 * pod that says most. Each link names an object and the condition (or state) that explains it. A
 * pure function of a {@link Snapshot}.
 *
 * @param target the resource asked about, e.g. ModelServer/qwen-chat
 * @param state the target's kstatus state: ready, reconciling or stalled
 * @param blocked true when something in the chain failed for good (a Stalled resource): waiting
 *     will not help
 */
record Why(String target, String namespace, String state, boolean blocked, List<Link> chain) {

  /**
   * One object in the chain.
   *
   * @param object Kind/name, e.g. Download/qwen2-5-7b, Job/qwen2-5-7b-run-3,
   *     Pod/qwen2-5-7b-run-3-x7k2p
   * @param condition the condition or state that tells, e.g. Ready=False, Stalled=True, Failed,
   *     Terminated
   * @param reason CamelCase, as in the condition, e.g. WaitingForDownload or StallTimeout
   * @param message the object's own words
   */
  record Link(String object, String condition, String reason, String message) {}

  /**
   * Links followed at most: references cannot loop today, but a chain must end whatever the cluster
   * holds.
   */
  private static final int MAX_LINKS = 12;

  static Optional<Why> explain(Snapshot snapshot, ResourceRef ref, String namespace) {
    return snapshot
        .find(ref.kind(), namespace, ref.name())
        .map(
            resource -> {
              Walk walk = new Walk(snapshot, namespace);
              walk.resource(resource);
              KstatusState state = state(resource);
              return new Why(
                  ref.toString(), namespace, state.label(), walk.blocked, List.copyOf(walk.links));
            });
  }

  static KstatusState state(HasMetadata resource) {
    return KstatusState.of(resource, StatusView.of(resource));
  }

  /** The exit code: 0 Ready, 1 blocked for good, 5 still progressing. */
  int exitCode() {
    if (blocked) {
      return ExitCodes.FAILED;
    }
    return "ready".equals(state) ? ExitCodes.OK : ExitCodes.NOT_READY;
  }

  /** The chain on one line, for messages such as chat's refusal. */
  String oneLine() {
    StringBuilder line = new StringBuilder(target).append(" is not Ready");
    for (Link link : chain) {
      line.append(link == chain.get(0) ? ": " : " <- ")
          .append(link.object())
          .append(' ')
          .append(link.condition());
      if (link.reason() != null) {
        line.append(' ').append(link.reason());
      }
    }
    Link last = chain.get(chain.size() - 1);
    if (last.message() != null && !last.message().isBlank()) {
      line.append(": ").append(last.message());
    }
    return line.toString();
  }

  /** The chain as a tree, one link per line, each under the one it explains. */
  String render() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < chain.size(); i++) {
      Link link = chain.get(i);
      String indent = i == 0 ? "" : "   ".repeat(i - 1) + "└─ ";
      out.append(indent).append(link.object()).append("  ").append(link.condition());
      if (link.reason() != null) {
        out.append("  ").append(link.reason());
      }
      out.append('\n');
      if (link.message() != null && !link.message().isBlank()) {
        out.append("   ".repeat(i)).append("   ").append(link.message()).append('\n');
      }
    }
    out.append(verdict()).append('\n');
    return out.toString();
  }

  private String verdict() {
    if ("ready".equals(state)) {
      return target + " is Ready.";
    }
    return blocked
        ? target + " is blocked: the cause above must be fixed; waiting will not help."
        : target + " is not Ready yet and nothing has failed for good: it is progressing.";
  }

  /** The walk along references, collecting links. */
  private static final class Walk {

    private final Snapshot snapshot;
    private final String namespace;
    private final List<Link> links = new ArrayList<>();
    private boolean blocked;

    Walk(Snapshot snapshot, String namespace) {
      this.snapshot = snapshot;
      this.namespace = namespace;
    }

    private boolean full() {
      return links.size() >= MAX_LINKS;
    }

    void resource(HasMetadata resource) {
      if (full()) {
        return;
      }
      KstatusState state = state(resource);
      blocked |= state == KstatusState.STALLED;
      StatusView status = StatusView.of(resource);
      String object = ResourceRef.of(resource).toString();
      if (status.conditions().isEmpty()) {
        links.add(
            new Link(
                object,
                "NoStatus",
                "NotObserved",
                "the operator has not reported on it yet: is it "
                    + "running, and does it watch namespace "
                    + resource.getMetadata().getNamespace()
                    + "?"));
        return;
      }
      if (state == KstatusState.READY) {
        links.add(link(object, status.conditions(), Conditions.READY));
        return;
      }
      links.add(
          link(
              object,
              status.conditions(),
              state == KstatusState.STALLED ? Conditions.STALLED : Conditions.READY));
      if (resource instanceof ModelServer server) {
        modelServer(server, status);
      } else if (resource instanceof Download download) {
        download(download);
      } else if (resource instanceof FineTuneJob job) {
        fineTuneJob(job, status);
      }
    }

    private void modelServer(ModelServer server, StatusView status) {
      if (!Conditions.isTrue(status.conditions(), ModelServerStatuses.MODEL_AVAILABLE)) {
        LocalRef downloadRef = server.getSpec().getModel().getDownloadRef();
        if (downloadRef != null
            && !succeeded(snapshot.download(namespace, downloadRef.getName()))) {
          reference(Kind.DOWNLOAD, downloadRef.getName());
          return;
        }
        List<Adapter> adapters =
            server.getSpec().getAdapters() == null ? List.of() : server.getSpec().getAdapters();
        for (Adapter adapter : adapters) {
          String name = adapter.getFineTuneJobRef().getName();
          Optional<FineTuneJob> job = snapshot.fineTuneJob(namespace, name);
          if (job.map(
                  j ->
                      j.getStatus() == null
                          || j.getStatus().getPhase() != FineTuneJobPhase.Succeeded)
              .orElse(true)) {
            reference(Kind.FINE_TUNE_JOB, name);
            return;
          }
        }
      }
      Map<String, String> selector = ModelServerResources.selector(server);
      snapshot.pods(namespace, selector).stream()
          .filter(pod -> !PodStates.isReady(pod))
          .findFirst()
          .ifPresent(pod -> links.add(PodStates.link(pod)));
    }

    private void download(Download download) {
      List<Run> runs = runs(download.getStatus() == null ? null : download.getStatus().getRuns());
      if (runs.isEmpty()) {
        return;
      }
      Run last = runs.get(runs.size() - 1);
      DownloadProgress progress = download.getStatus().getProgress();
      String detail =
          progress != null
                  && last.getName().equals(progress.getRun())
                  && progress.getFailure() != null
              ? progress.getFailure().getMessage()
              : null;
      run(download, last, DownloadResources.COMPONENT, detail);
    }

    private void fineTuneJob(FineTuneJob job, StatusView status) {
      if (!Conditions.isTrue(status.conditions(), FineTuneJobStatuses.INPUTS_READY)) {
        for (LocalRef ref :
            Stream.of(
                    job.getSpec().getBaseModel().getDownloadRef(),
                    job.getSpec().getDataset().getDownloadRef())
                .filter(r -> r != null)
                .toList()) {
          if (!succeeded(snapshot.download(namespace, ref.getName()))) {
            reference(Kind.DOWNLOAD, ref.getName());
            return;
          }
        }
      }
      List<Run> runs = runs(job.getStatus().getRuns());
      if (!runs.isEmpty()) {
        run(job, runs.get(runs.size() - 1), FineTuneResources.COMPONENT, null);
      }
    }

    private void reference(Kind kind, String name) {
      Optional<? extends HasMetadata> target = snapshot.find(kind, namespace, name);
      if (target.isPresent()) {
        resource(target.get());
      } else {
        blocked = true;
        links.add(
            new Link(
                kind.kind() + "/" + name,
                "Missing",
                "NotFound",
                "it does not exist in namespace "
                    + namespace
                    + ": create it, or correct the reference"));
      }
    }

    /** The run's Job and then its newest pod, or a word on why there is none. */
    private void run(HasMetadata owner, Run run, String component, String detail) {
      if (full()) {
        return;
      }
      String message =
          detail != null
              ? detail
              : run.getFinishedAt() != null
                  ? "ended " + run.getFinishedAt()
                  : run.getStartedAt() != null ? "started " + run.getStartedAt() : null;
      links.add(
          new Link(
              "Job/" + run.getName(),
              "run " + run.getAttempt() + " " + run.getPhase(),
              run.getReason(),
              message));
      Map<String, String> labels = Labels.selector(owner, component);
      labels.put(Labels.RUN, Integer.toString(run.getAttempt()));
      List<Pod> pods = snapshot.pods(namespace, labels);
      if (!pods.isEmpty()) {
        links.add(PodStates.link(pods.get(0)));
      } else if (Boolean.TRUE.equals(run.getCollected())) {
        links.add(
            new Link(
                "Pod/" + run.getName() + "-*",
                "Gone",
                "Collected",
                "the run's Job and pods were deleted per spec.gc"));
      }
    }

    private static boolean succeeded(Optional<Download> download) {
      return download
          .map(d -> d.getStatus() != null && d.getStatus().getPhase() == DownloadPhase.Succeeded)
          .orElse(false);
    }

    private static List<Run> runs(List<Run> runs) {
      return runs == null ? List.of() : runs;
    }

    private static Link link(String object, List<Condition> conditions, String type) {
      return Conditions.find(conditions, type)
          .map(c -> new Link(object, type + "=" + c.getStatus(), c.getReason(), c.getMessage()))
          .orElseGet(
              () ->
                  new Link(
                      object, type + "=Unknown", null, "no " + type + " condition in its status"));
    }
  }
}
