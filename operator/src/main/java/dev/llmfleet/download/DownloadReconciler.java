package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.common.CacheStores;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.Errors;
import dev.llmfleet.common.EventRecorder;
import dev.llmfleet.common.FolderWriters;
import dev.llmfleet.common.LegacySecrets;
import dev.llmfleet.common.ReconcileRetry;
import dev.llmfleet.common.StatusPatch;
import dev.llmfleet.common.runs.RunEvents;
import dev.llmfleet.common.runs.RunJobs;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.finetune.FineTuneResources;
import dev.llmfleet.secrets.SecretSync;
import dev.llmfleet.secrets.SecretValuesSource;
import dev.llmfleet.secrets.SyncResult;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Downloads: the claim and the downloader's identity as dependents, then one Job per run, decided
 * by {@link DownloadRuns}. Jobs are watched, so a run that ends or stalls is noticed without
 * polling.
 */
// Not generation-aware: the downloader reports in status.progress, which leaves the generation
// alone, and each
// report (verified, failed) must wake the operator.
@ControllerConfiguration(name = "download", generationAwareEventProcessing = false)
@GradualRetry(
    maxAttempts = ReconcileRetry.UNLIMITED,
    initialInterval = ReconcileRetry.FIRST_MILLIS,
    intervalMultiplier = ReconcileRetry.GROWTH,
    maxInterval = ReconcileRetry.MAX_MILLIS)
@Workflow(
    dependents = {
      @Dependent(
          name = "claim",
          type = DownloadClaimDependent.class,
          reconcilePrecondition = ClaimRequested.class),
      @Dependent(name = "service-account", type = DownloadServiceAccountDependent.class),
      @Dependent(name = "role", type = DownloadRoleDependent.class),
      @Dependent(
          name = "role-binding",
          type = DownloadRoleBindingDependent.class,
          dependsOn = {"service-account", "role"})
    })
public class DownloadReconciler implements Reconciler<Download> {

  static final String MODEL_SERVERS = "model-servers";

  /** How soon a Download refused for its folder looks again whether the other resource is gone. */
  static final Duration FOLDER_RECHECK = Duration.ofSeconds(30);

  private final OperatorConfig config;
  private final SecretSync secrets;
  private final Clock clock = Clock.systemUTC();
  private final LegacySecrets legacySecrets = new LegacySecrets();
  private InformerEventSource<FineTuneJob, Download> fineTuneJobSource;
  private SecretValuesSource<Download> secretValues;

  public DownloadReconciler(OperatorConfig config, SecretSync secrets) {
    this.config = config;
    this.secrets = secrets;
  }

  @Override
  public List<EventSource<?, Download>> prepareEventSources(EventSourceContext<Download> context) {
    // FineTuneJobs write into folders too: one that comes or goes on a Download's claim may refuse
    // or free it.
    var fineTuneJobs =
        InformerEventSourceConfiguration.from(FineTuneJob.class, Download.class)
            .withItemStore(CacheStores.<FineTuneJob>withoutManagedFields(config))
            .withSecondaryToPrimaryMapper(
                job ->
                    context
                        .getPrimaryCache()
                        .list(
                            job.getMetadata().getNamespace(),
                            download ->
                                DownloadResources.claimName(download)
                                    .equals(FineTuneResources.claimName(job)))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    fineTuneJobSource = new InformerEventSource<>(fineTuneJobs, context);
    // ModelServers that read a Download's claim become its co-owners (DownloadResources.claim).
    var modelServers =
        InformerEventSourceConfiguration.from(ModelServer.class, Download.class)
            .withName(MODEL_SERVERS)
            .withItemStore(CacheStores.<ModelServer>withoutManagedFields(config))
            .withSecondaryToPrimaryMapper(server -> coOwnedBy(server, context))
            .build();
    secretValues =
        secrets.valuesSource(
            Download.class,
            context,
            d -> d.getSpec().getSecrets(),
            d -> d.getStatus() == null ? null : d.getStatus().getConditions());
    return List.of(
        secretValues,
        RunJobs.eventSource(Download.class, context, config),
        fineTuneJobSource,
        new InformerEventSource<>(modelServers, context));
  }

  /**
   * The Downloads whose claim a ModelServer event may change: the one it reads; and, while a spec
   * change is not yet reconciled (it may have moved to another Download, and only the new spec is
   * seen here), every Download of its namespace with a claim of its own, so that the one it left
   * drops it as a co-owner.
   */
  private static Set<ResourceID> coOwnedBy(
      ModelServer server, EventSourceContext<Download> context) {
    Set<ResourceID> downloads = new HashSet<>();
    if (server.getSpec().getModel().getDownloadRef() != null) {
      downloads.add(
          new ResourceID(
              server.getSpec().getModel().getDownloadRef().getName(),
              server.getMetadata().getNamespace()));
    }
    Long observed = server.getStatus() == null ? null : server.getStatus().getObservedGeneration();
    if (!Objects.equals(observed, server.getMetadata().getGeneration())) {
      context
          .getPrimaryCache()
          .list(
              server.getMetadata().getNamespace(),
              download -> download.getSpec().getStorage().getSize() != null)
          .map(ResourceID::fromResource)
          .forEach(downloads::add);
    }
    return downloads;
  }

  @Override
  public UpdateControl<Download> reconcile(Download download, Context<Download> context) {
    KubernetesClient client = context.getClient();
    legacySecrets.deleteOwned(download, client);
    DownloadStatus stored = DownloadStatuses.operatorOwned(download.getStatus());
    List<FolderWriters.Writer> writers = writersInNamespace(download, context);
    Optional<FolderWriters.Writer> keeper =
        FolderWriters.keeperOtherThan(DownloadResources.writer(download), writers);
    if (keeper.isPresent()) {
      return refuseFolder(download, stored, keeper.get(), context);
    }
    SyncResult synced = secrets.sync(download, client, secretValues);
    Map<String, Job> jobs = RunJobs.owned(context);
    RunPlan plan = DownloadRuns.plan(download, jobs, synced, clock.instant());
    // Without its secrets nothing starts or stops: a run in progress keeps going with the values
    // it has.
    if (synced.ready()) {
      carryOut(download, plan, jobs, writers, synced, context);
    }
    return synced.reschedule(
        StatusPatch.ifChangedReadingOwnWrites(
            download, stored, plan.status(), Download::new, context),
        plan.recheckAfter());
  }

  /** The plan's Jobs started, stopped and deleted, the cleanup of a failed Download, its events. */
  private void carryOut(
      Download download,
      RunPlan plan,
      Map<String, Job> jobs,
      List<FolderWriters.Writer> writers,
      SyncResult synced,
      Context<Download> context) {
    KubernetesClient client = context.getClient();
    String namespace = download.getMetadata().getNamespace();
    plan.jobsToStop()
        .forEach(
            (name, reason) ->
                client
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace(namespace)
                    .withName(name)
                    // The Job controller then stops the pod and marks the Job failed; the Job stays
                    // for inspection until gc.
                    .edit(
                        job ->
                            new JobBuilder(job)
                                .editMetadata()
                                .addToAnnotations(DownloadResources.STOP_REASON_ANNOTATION, reason)
                                .endMetadata()
                                .editSpec()
                                .withActiveDeadlineSeconds(1L)
                                .endSpec()
                                .build()));
    RunJobs.delete(context, namespace, plan.jobsToDelete());
    RunJobs.enforceCap(context, namespace, plan.jobsToDelete(), config.maxFailedJobsPerNamespace());
    plan.attemptToStart()
        .ifPresent(
            attempt -> {
              Job job = DownloadResources.job(download, attempt, config);
              synced.annotate(job.getSpec().getTemplate());
              RunJobs.start(job, jobs, context);
            });
    EventRecorder events = new EventRecorder(client);
    if (becameFailed(download, plan.status())
        && Boolean.TRUE.equals(download.getSpec().getGc().getDeletePartialData())) {
      Optional<FolderWriters.Writer> sharing =
          FolderWriters.startedOverlapping(DownloadResources.writer(download), writers);
      if (sharing.isPresent()) {
        events.warning(
            download,
            "PartialDataKept",
            "folder "
                + DownloadResources.path(download)
                + " of claim "
                + DownloadResources.claimName(download)
                + " is not removed: "
                + sharing.get()
                + " writes there too");
      } else {
        RunJobs.createUnlessExists(client, DownloadResources.cleanupJob(download, config));
      }
    }
    recordEvents(events, download, plan.status());
  }

  /**
   * Retries go on (JOSDK's retry), but the resource says why it is not converging instead of
   * keeping quiet.
   */
  @Override
  public ErrorStatusUpdateControl<Download> updateErrorStatus(
      Download download, Context<Download> context, Exception error) {
    DownloadStatus status =
        DownloadStatuses.applyFailed(download, Errors.describe(error), clock.instant());
    return ErrorStatusUpdateControl.patchStatus(
        StatusPatch.statusOnly(download, status, Download::new));
  }

  /**
   * No run, no cleanup: the folder belongs to another resource. An event names it once, when the
   * refusal begins. A Download that frees the folder wakes nothing here (Downloads do not watch
   * each other), so the refusal is looked at again after a while.
   */
  private UpdateControl<Download> refuseFolder(
      Download download,
      DownloadStatus stored,
      FolderWriters.Writer keeper,
      Context<Download> context) {
    String message = FolderWriters.conflictMessage(DownloadResources.writer(download), keeper);
    DownloadStatus refused = DownloadStatuses.folderConflict(download, message, clock.instant());
    if (!FolderWriters.refusedIn(stored == null ? null : stored.getConditions())) {
      new EventRecorder(context.getClient())
          .warning(download, FolderWriters.CONFLICT_REASON, message);
    }
    return StatusPatch.ifChangedReadingOwnWrites(download, stored, refused, Download::new, context)
        .rescheduleAfter(FOLDER_RECHECK);
  }

  /** Every Download and FineTuneJob of the Download's namespace, as writers into folders. */
  private List<FolderWriters.Writer> writersInNamespace(
      Download download, Context<Download> context) {
    String namespace = download.getMetadata().getNamespace();
    List<FolderWriters.Writer> writers = new ArrayList<>();
    context.getPrimaryCache().list(namespace).map(DownloadResources::writer).forEach(writers::add);
    fineTuneJobSource.list(namespace).map(FineTuneResources::writer).forEach(writers::add);
    return writers;
  }

  private static boolean becameFailed(Download download, DownloadStatus next) {
    DownloadPhase before = download.getStatus() == null ? null : download.getStatus().getPhase();
    return next.getPhase() == DownloadPhase.Failed && before != DownloadPhase.Failed;
  }

  /** An event per phase change and per run that started, ended or was collected. */
  private static void recordEvents(EventRecorder events, Download download, DownloadStatus next) {
    DownloadStatus previous = download.getStatus();
    DownloadPhase before = previous == null ? null : previous.getPhase();
    RunEvents.record(
        events,
        download,
        previous == null || previous.getRuns() == null ? List.of() : previous.getRuns(),
        next.getRuns());
    if (!Objects.equals(before, next.getPhase())) {
      String message =
          next.getConditions().stream()
              .filter(
                  c ->
                      c.getType()
                          .equals(
                              next.getPhase() == DownloadPhase.Succeeded
                                  ? Conditions.READY
                                  : next.getPhase() == DownloadPhase.Failed
                                      ? Conditions.STALLED
                                      : Conditions.RECONCILING))
              .findFirst()
              .map(c -> c.getMessage())
              .orElse("");
      if (next.getPhase() == DownloadPhase.Failed) {
        events.warning(download, "Failed", message);
      } else {
        events.normal(download, next.getPhase().name(), message);
      }
    }
  }
}
