package dev.llmfleet.finetune;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJobStatus;
import dev.llmfleet.common.CacheStores;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.Errors;
import dev.llmfleet.common.EventRecorder;
import dev.llmfleet.common.FolderWriters;
import dev.llmfleet.common.IndexKeys;
import dev.llmfleet.common.InstancePods;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.LegacySecrets;
import dev.llmfleet.common.ReconcileRetry;
import dev.llmfleet.common.StatusPatch;
import dev.llmfleet.common.runs.RunEvents;
import dev.llmfleet.common.runs.RunJobs;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.secrets.SecretSync;
import dev.llmfleet.secrets.SecretValuesSource;
import dev.llmfleet.secrets.SyncResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * FineTuneJobs: the output claim as a dependent, then one Job per run, decided by {@link
 * FineTuneRuns}. The two Downloads are watched through an index on the references, and the runs'
 * Jobs and pods through informers, so a run starts as soon as its inputs are ready and its end is
 * noticed without polling.
 */
@ControllerConfiguration(name = "finetunejob")
@GradualRetry(
    maxAttempts = ReconcileRetry.UNLIMITED,
    initialInterval = ReconcileRetry.FIRST_MILLIS,
    intervalMultiplier = ReconcileRetry.GROWTH,
    maxInterval = ReconcileRetry.MAX_MILLIS)
@Workflow(
    dependents =
        @Dependent(
            name = "output-claim",
            type = FineTuneOutputClaimDependent.class,
            reconcilePrecondition = OutputClaimRequested.class))
public class FineTuneJobReconciler implements Reconciler<FineTuneJob> {

  static final String BY_DOWNLOAD = "downloadRef";

  /**
   * How soon a FineTuneJob refused for its output folder looks again whether the other resource is
   * gone.
   */
  static final Duration FOLDER_RECHECK = Duration.ofSeconds(30);

  private final OperatorConfig config;
  private final Clock clock = Clock.systemUTC();
  private final SecretSync secrets;
  private final LegacySecrets legacySecrets = new LegacySecrets();
  private InformerEventSource<Download, FineTuneJob> downloadSource;
  private SecretValuesSource<FineTuneJob> secretValues;

  public FineTuneJobReconciler(OperatorConfig config, SecretSync secrets) {
    this.secrets = secrets;
    this.config = config;
  }

  @Override
  public List<EventSource<?, FineTuneJob>> prepareEventSources(
      EventSourceContext<FineTuneJob> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            BY_DOWNLOAD,
            job -> inputNames(job).stream().map(name -> IndexKeys.of(job, name)).toList());
    var downloads =
        InformerEventSourceConfiguration.from(Download.class, FineTuneJob.class)
            .withItemStore(CacheStores.<Download>withoutManagedFields(config))
            .withSecondaryToPrimaryMapper(
                download ->
                    context
                        .getPrimaryCache()
                        .byIndex(
                            BY_DOWNLOAD, IndexKeys.of(download, download.getMetadata().getName()))
                        .stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(
                (FineTuneJob job) ->
                    inputNames(job).stream()
                        .map(name -> new ResourceID(name, job.getMetadata().getNamespace()))
                        .collect(Collectors.toSet()));
    // Pods belong to the runs' Jobs, not to the FineTuneJob: they are mapped back through the
    // instance label.
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, FineTuneJob.class)
            .withLabelSelector(Labels.COMPONENT + "=" + FineTuneResources.COMPONENT)
            .withItemStore(CacheStores.podStatusOnly(config))
            .withSecondaryToPrimaryMapper(InstancePods.mapper(context))
            .build();
    downloadSource = new InformerEventSource<>(downloads.build(), context);
    secretValues =
        secrets.valuesSource(
            FineTuneJob.class,
            context,
            job -> job.getSpec().getSecrets(),
            job -> job.getStatus() == null ? null : job.getStatus().getConditions());
    return List.of(
        secretValues,
        downloadSource,
        RunJobs.eventSource(FineTuneJob.class, context, config),
        new InformerEventSource<>(pods, context));
  }

  @Override
  public UpdateControl<FineTuneJob> reconcile(FineTuneJob job, Context<FineTuneJob> context) {
    KubernetesClient client = context.getClient();
    legacySecrets.deleteOwned(job, client);
    Instant now = clock.instant();
    List<FolderWriters.Writer> writers = writersInNamespace(job, context);
    Optional<FolderWriters.Writer> keeper =
        FolderWriters.keeperOtherThan(FineTuneResources.writer(job), writers);
    if (keeper.isPresent()) {
      return refuseFolder(job, keeper.get(), context, now);
    }
    SyncResult synced = secrets.sync(job, client, secretValues);
    Map<String, Download> downloads =
        context.getSecondaryResources(Download.class).stream()
            .collect(Collectors.toMap(d -> d.getMetadata().getName(), Function.identity()));
    FineTuneInputs inputs = FineTuneInputs.resolve(job, downloads);
    Map<String, Job> jobs = RunJobs.owned(context);
    FineTunePlan plan =
        FineTuneRuns.plan(
            job, inputs, synced, jobs, List.copyOf(context.getSecondaryResources(Pod.class)), now);
    FineTuneJobStatus status = plan.status();

    String namespace = job.getMetadata().getNamespace();
    RunJobs.delete(context, namespace, plan.runsToDelete());
    // A run's ConfigMap is named like its Job and goes with it.
    plan.runsToDelete()
        .forEach(name -> client.configMaps().inNamespace(namespace).withName(name).delete());
    RunJobs.enforceCap(context, namespace, plan.runsToDelete(), config.maxFailedJobsPerNamespace());
    EventRecorder events = new EventRecorder(client);
    plan.partialOutputsToRemove()
        .forEach(
            attempt -> {
              String folder = FineTuneResources.partialOutput(job, attempt);
              Optional<FolderWriters.Writer> sharing =
                  FolderWriters.startedOverlapping(
                      new FolderWriters.Writer(
                          "FineTuneJob",
                          job.getMetadata().getName(),
                          "",
                          FineTuneResources.claimName(job),
                          folder,
                          true),
                      writers);
              if (sharing.isPresent()) {
                events.warning(
                    job,
                    "PartialOutputKept",
                    "folder "
                        + folder
                        + " of claim "
                        + FineTuneResources.claimName(job)
                        + " is not removed: "
                        + sharing.get()
                        + " writes there too");
                return;
              }
              RunJobs.createUnlessExists(
                  client, FineTuneResources.cleanupJob(job, attempt, config));
              events.normal(
                  job,
                  "CleanupStarted",
                  "removing the partial output of run "
                      + attempt
                      + " ("
                      + folder
                      + " in claim "
                      + FineTuneResources.claimName(job)
                      + ")");
            });
    plan.attemptToStart()
        .ifPresent(
            attempt -> {
              client.resource(FineTuneResources.configMap(job, attempt)).serverSideApply();
              Job run = FineTuneResources.job(job, attempt, inputs, config);
              synced.annotate(run.getSpec().getTemplate());
              RunJobs.start(run, jobs, context);
            });
    recordEvents(events, job, status);

    return synced.reschedule(
        StatusPatch.ifChangedReadingOwnWrites(
            job, job.getStatus(), status, FineTuneJob::new, context),
        plan.recheckAfter());
  }

  /**
   * Retries go on (JOSDK's retry), but the resource says why it is not converging instead of
   * keeping quiet.
   */
  @Override
  public ErrorStatusUpdateControl<FineTuneJob> updateErrorStatus(
      FineTuneJob job, Context<FineTuneJob> context, Exception error) {
    FineTuneJobStatus status =
        FineTuneJobStatuses.applyFailed(job, Errors.describe(error), clock.instant());
    return ErrorStatusUpdateControl.patchStatus(
        StatusPatch.statusOnly(job, status, FineTuneJob::new));
  }

  /**
   * No run, no cleanup: the output folder belongs to another resource. An event names it once, when
   * the refusal begins; the refusal is looked at again after a while, as the other one may go
   * without a FineTuneJob noticing.
   */
  private UpdateControl<FineTuneJob> refuseFolder(
      FineTuneJob job, FolderWriters.Writer keeper, Context<FineTuneJob> context, Instant now) {
    String message = FolderWriters.conflictMessage(FineTuneResources.writer(job), keeper);
    if (!FolderWriters.refusedIn(
        job.getStatus() == null ? null : job.getStatus().getConditions())) {
      new EventRecorder(context.getClient()).warning(job, FolderWriters.CONFLICT_REASON, message);
    }
    return StatusPatch.ifChangedReadingOwnWrites(
            job,
            job.getStatus(),
            FineTuneJobStatuses.folderConflict(job, message, now),
            FineTuneJob::new,
            context)
        .rescheduleAfter(FOLDER_RECHECK);
  }

  /** Every FineTuneJob and Download of the job's namespace, as writers into folders. */
  private List<FolderWriters.Writer> writersInNamespace(
      FineTuneJob job, Context<FineTuneJob> context) {
    String namespace = job.getMetadata().getNamespace();
    List<FolderWriters.Writer> writers = new ArrayList<>();
    context.getPrimaryCache().list(namespace).map(FineTuneResources::writer).forEach(writers::add);
    downloadSource
        .list(namespace)
        .map(FineTuneJobReconciler::downloadWriter)
        .flatMap(Optional::stream)
        .forEach(writers::add);
    return writers;
  }

  /**
   * A Download as a writer, by the folder its status names (the download package imports this one,
   * not the other way round): a Download that the operator has not looked at yet names none.
   */
  private static Optional<FolderWriters.Writer> downloadWriter(Download download) {
    var status = download.getStatus();
    if (status == null || status.getClaimName() == null || status.getPath() == null) {
      return Optional.empty();
    }
    return Optional.of(
        new FolderWriters.Writer(
            "Download",
            download.getMetadata().getName(),
            Objects.requireNonNullElse(download.getMetadata().getCreationTimestamp(), ""),
            status.getClaimName(),
            status.getPath(),
            status.getRuns() != null && !status.getRuns().isEmpty()));
  }

  /** An event per run that started, ended or was collected, and per phase change. */
  private static void recordEvents(EventRecorder events, FineTuneJob job, FineTuneJobStatus next) {
    FineTuneJobStatus previous = job.getStatus();
    RunEvents.record(
        events,
        job,
        previous == null || previous.getRuns() == null ? List.of() : previous.getRuns(),
        next.getRuns() == null ? List.of() : next.getRuns());
    FineTuneJobPhase before = previous == null ? null : previous.getPhase();
    if (Objects.equals(before, next.getPhase())) {
      return;
    }
    // The condition that is True says it best: Ready after success, Stalled after failure, else
    // Reconciling.
    String telling =
        switch (next.getPhase()) {
          case Succeeded -> Conditions.READY;
          case Failed -> Conditions.STALLED;
          default -> Conditions.RECONCILING;
        };
    String message = Conditions.find(next.getConditions(), telling).orElseThrow().getMessage();
    if (next.getPhase() == FineTuneJobPhase.Failed) {
      events.warning(job, next.getPhase().name(), message);
    } else {
      events.normal(job, next.getPhase().name(), message);
    }
  }

  private static List<String> inputNames(FineTuneJob job) {
    return List.of(
        job.getSpec().getBaseModel().getDownloadRef().getName(),
        job.getSpec().getDataset().getDownloadRef().getName());
  }
}
