package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.common.EventRecorder;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.StatusPatch;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Downloads: the claim and the downloader's identity as dependents, then one Job per run, decided by
 * {@link DownloadRuns}. Jobs are watched, so a run that ends or stalls is noticed without polling.
 */
@ControllerConfiguration(name = "download")
@Workflow(dependents = {
    @Dependent(name = "claim", type = DownloadClaimDependent.class, reconcilePrecondition = ClaimRequested.class),
    @Dependent(name = "service-account", type = DownloadServiceAccountDependent.class),
    @Dependent(name = "role", type = DownloadRoleDependent.class),
    @Dependent(name = "role-binding", type = DownloadRoleBindingDependent.class, dependsOn = {"service-account", "role"})
})
public class DownloadReconciler implements Reconciler<Download> {

  private static final String JOBS = "jobs";

  private final OperatorConfig config;
  private final Clock clock;

  public DownloadReconciler(OperatorConfig config) {
    this(config, Clock.systemUTC());
  }

  DownloadReconciler(OperatorConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, Download>> prepareEventSources(EventSourceContext<Download> context) {
    var jobs = InformerEventSourceConfiguration.from(Job.class, Download.class)
        .withName(JOBS)
        .withLabelSelector(Labels.COMPONENT + "=" + DownloadResources.COMPONENT)
        .build();
    return List.of(new InformerEventSource<>(jobs, context));
  }

  @Override
  public UpdateControl<Download> reconcile(Download download, Context<Download> context) {
    Map<String, Job> jobs = context.getSecondaryResourcesAsStream(Job.class)
        .collect(Collectors.toMap(job -> job.getMetadata().getName(), Function.identity()));
    RunPlan plan = DownloadRuns.plan(download, jobs, clock.instant());

    KubernetesClient client = context.getClient();
    String namespace = download.getMetadata().getNamespace();
    plan.jobsToStop().forEach((name, reason) -> client.batch().v1().jobs().inNamespace(namespace).withName(name)
        // The Job controller then stops the pod and marks the Job failed; the Job stays for inspection until gc.
        .edit(job -> new JobBuilder(job)
            .editMetadata().addToAnnotations(DownloadResources.STOP_REASON_ANNOTATION, reason).endMetadata()
            .editSpec().withActiveDeadlineSeconds(1L).endSpec()
            .build()));
    plan.jobsToDelete().forEach(name -> client.batch().v1().jobs().inNamespace(namespace).withName(name).delete());
    plan.attemptToStart()
        .map(attempt -> DownloadResources.job(download, attempt, config))
        // It exists when an earlier pass created it but could not record the run.
        .filter(job -> !jobs.containsKey(job.getMetadata().getName()))
        .ifPresent(job -> startRun(job, context));
    recordEvents(new EventRecorder(client), download, plan.status());

    UpdateControl<Download> control = StatusPatch.ifChanged(download,
        DownloadStatuses.operatorOwned(download.getStatus()), plan.status(), Download::new);
    plan.recheckAfter().ifPresent(control::rescheduleAfter);
    return control;
  }

  private static void startRun(Job job, Context<Download> context) {
    Job created = context.getClient().resource(job).create();
    // Into the cache at once: the next pass must not take the new run for one whose Job has vanished.
    InformerEventSource<Job, Download> jobs =
        (InformerEventSource<Job, Download>) context.eventSourceRetriever().getEventSourceFor(Job.class, JOBS);
    jobs.handleRecentResourceCreate(ResourceID.fromResource(created), created);
  }

  /** An event per phase change and per run that ended in failure. */
  private static void recordEvents(EventRecorder events, Download download, DownloadStatus next) {
    DownloadStatus previous = download.getStatus();
    DownloadPhase before = previous == null ? null : previous.getPhase();
    List<Run> runsBefore = previous == null || previous.getRuns() == null ? List.of() : previous.getRuns();
    for (Run run : next.getRuns()) {
      boolean newlyFailed = run.getPhase() == RunPhase.Failed
          && runsBefore.stream().noneMatch(r -> r.getName().equals(run.getName()) && r.getPhase() == RunPhase.Failed);
      if (newlyFailed) {
        events.warning(download, run.getReason(), "run " + run.getAttempt() + " (Job " + run.getName() + ") failed");
      }
      boolean started = runsBefore.stream().noneMatch(r -> r.getName().equals(run.getName()));
      if (started) {
        events.normal(download, "RunStarted", "run " + run.getAttempt() + " started as Job " + run.getName());
      }
    }
    if (!Objects.equals(before, next.getPhase())) {
      String message = next.getConditions().stream()
          .filter(c -> c.getType().equals(next.getPhase() == DownloadPhase.Succeeded ? "Ready"
              : next.getPhase() == DownloadPhase.Failed ? "Stalled" : "Reconciling"))
          .findFirst().map(c -> c.getMessage()).orElse("");
      if (next.getPhase() == DownloadPhase.Failed) {
        events.warning(download, "Failed", message);
      } else {
        events.normal(download, next.getPhase().name(), message);
      }
    }
  }
}
