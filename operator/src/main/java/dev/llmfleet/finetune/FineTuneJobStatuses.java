package dev.llmfleet.finetune;

import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJobStatus;
import dev.llmfleet.api.v1alpha1.OutputLocation;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.FolderWriters;
import dev.llmfleet.common.runs.RunLedger;
import dev.llmfleet.secrets.SyncResult;
import java.time.Instant;
import java.util.List;

/** Pure status computation for a FineTuneJob, from its runs as planned by {@link FineTuneRuns}. */
public final class FineTuneJobStatuses {

  public static final String INPUTS_READY = "InputsReady";
  public static final String COMPLETE = "Complete";
  public static final String FAILED = "Failed";
  public static final String BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
  public static final String WAITING_FOR_DOWNLOAD = "WaitingForDownload";

  private FineTuneJobStatuses() {}

  /**
   * The status when the API server refused one of the FineTuneJob's objects (a run's Job or
   * ConfigMap, the output claim): what was known before, with Ready=False and Reconciling=True
   * saying why, while JOSDK retries.
   */
  public static FineTuneJobStatus applyFailed(FineTuneJob job, String error, Instant now) {
    long generation = job.getMetadata().getGeneration();
    FineTuneJobStatus stored = job.getStatus();
    String message = "cannot create or update the FineTuneJob's objects: " + error;
    return (stored == null
            ? FineTuneJobStatus.builder().phase(FineTuneJobPhase.Pending)
            : stored.toBuilder())
        .conditions(
            Conditions.applyFailed(
                stored == null ? null : stored.getConditions(), message, generation, now))
        .observedGeneration(generation)
        .build();
  }

  /**
   * A FineTuneJob refused because another resource writes into its output folder: Pending, Stalled
   * until a person changes one of the two, its runs kept as they were.
   */
  static FineTuneJobStatus folderConflict(FineTuneJob job, String message, Instant now) {
    long generation = job.getMetadata().getGeneration();
    String reason = FolderWriters.CONFLICT_REASON;
    FineTuneJobStatus stored = job.getStatus();
    List<Condition> conditions = stored == null ? null : stored.getConditions();
    conditions =
        Conditions.stalled(conditions, reason, "not trained: " + message, message, generation, now);
    return (stored == null ? FineTuneJobStatus.builder() : stored.toBuilder())
        .phase(FineTuneJobPhase.Pending)
        .conditions(conditions)
        .observedGeneration(generation)
        .build();
  }

  static FineTuneJobStatus compute(
      FineTuneJob job,
      List<Run> runs,
      FineTuneJobPhase phase,
      FineTuneInputs inputs,
      SyncResult secrets,
      Instant now) {
    long generation = job.getMetadata().getGeneration();
    Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
    boolean succeeded = phase == FineTuneJobPhase.Succeeded;
    boolean failed = phase == FineTuneJobPhase.Failed;
    String reason;
    String message;
    switch (phase) {
      case Succeeded -> {
        reason = "Succeeded";
        message =
            "run "
                + last.getAttempt()
                + " succeeded; the result is in claim "
                + FineTuneResources.claimName(job)
                + ", folder "
                + FineTuneResources.outputPath(job);
      }
      case Failed -> {
        reason = BACKOFF_LIMIT_EXCEEDED;
        message =
            "run "
                + last.getAttempt()
                + " failed with "
                + last.getReason()
                + "; "
                + RunLedger.failures(runs)
                + " failed runs exceed backoffLimit "
                + job.getSpec().getBackoffLimit();
      }
      case WaitingForInputs -> {
        reason = WAITING_FOR_DOWNLOAD;
        message =
            "waiting for "
                + String.join("; ", inputs.waitingFor())
                + "; training starts once both are Succeeded";
      }
      case Running -> {
        reason = "Running";
        message = "run " + last.getAttempt() + " (Job " + last.getName() + ") is training";
      }
      default -> {
        if (last == null) {
          reason = "Pending";
          message = "no run has started yet";
        } else if (last.getPhase() == RunPhase.Running) {
          reason = "RunPending";
          message =
              "run "
                  + last.getAttempt()
                  + " (Job "
                  + last.getName()
                  + ") waits for its pod to start";
        } else {
          reason = "RetryingAfterFailure";
          message =
              "run "
                  + last.getAttempt()
                  + " failed with "
                  + last.getReason()
                  + "; run "
                  + (last.getAttempt() + 1)
                  + " starts at "
                  + RunLedger.timestamp(
                      Instant.parse(last.getFinishedAt())
                          .plus(RunLedger.backoff(RunLedger.failures(runs))));
        }
      }
    }
    List<Condition> conditions = job.getStatus() == null ? null : job.getStatus().getConditions();
    conditions =
        Conditions.set(
            conditions,
            Conditions.READY,
            succeeded,
            reason,
            succeeded ? message : "not trained yet: " + message,
            generation,
            now);
    conditions =
        Conditions.set(
            conditions,
            Conditions.RECONCILING,
            !succeeded && !failed,
            reason,
            succeeded || failed ? "" : message,
            generation,
            now);
    conditions =
        Conditions.set(
            conditions, Conditions.STALLED, failed, reason, failed ? message : "", generation, now);
    conditions =
        Conditions.set(
            conditions,
            INPUTS_READY,
            inputs.ready(),
            inputs.ready() ? "DownloadsSucceeded" : WAITING_FOR_DOWNLOAD,
            inputs.ready()
                ? "the base model and the data set are downloaded"
                : "waiting for " + String.join("; ", inputs.waitingFor()),
            generation,
            now);
    conditions =
        Conditions.set(
            conditions, COMPLETE, succeeded, reason, succeeded ? message : "", generation, now);
    conditions =
        Conditions.set(conditions, FAILED, failed, reason, failed ? message : "", generation, now);
    // Its secrets are all that keeps the next run from starting: Ready and Reconciling say so.
    boolean heldBySecrets =
        !secrets.ready()
            && phase == FineTuneJobPhase.Pending
            && (last == null || last.getPhase() != RunPhase.Running);
    conditions =
        heldBySecrets
            ? secrets.blocked(conditions, generation, now)
            : secrets.condition(conditions, generation, now);
    return FineTuneJobStatus.builder()
        .phase(phase)
        .attempts(runs.size())
        .runs(runs.isEmpty() ? null : runs)
        .output(
            succeeded
                ? new OutputLocation(
                    FineTuneResources.claimName(job), FineTuneResources.outputPath(job))
                : null)
        .startedAt(runs.isEmpty() ? null : runs.get(0).getStartedAt())
        .completedAt(succeeded || failed ? last.getFinishedAt() : null)
        .conditions(conditions)
        .observedGeneration(generation)
        .build();
  }
}
