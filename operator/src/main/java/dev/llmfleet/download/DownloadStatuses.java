package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.FolderWriters;
import dev.llmfleet.common.Urls;
import dev.llmfleet.common.runs.RunLedger;
import dev.llmfleet.secrets.SyncResult;
import java.time.Instant;
import java.util.List;

/** Pure status computation for a Download: the operator-owned part of its status. */
public final class DownloadStatuses {

  private DownloadStatuses() {}

  /**
   * The operator-owned part of a stored status: everything but the downloader's progress and model.
   */
  public static DownloadStatus operatorOwned(DownloadStatus stored) {
    return stored == null ? null : stored.toBuilder().progress(null).model(null).build();
  }

  /**
   * The status when the API server refused one of the Download's objects (its claim, run Job, the
   * downloader's identity): what was known before, with Ready=False and Reconciling=True saying
   * why, while JOSDK retries.
   */
  public static DownloadStatus applyFailed(Download download, String error, Instant now) {
    long generation = download.getMetadata().getGeneration();
    DownloadStatus stored = operatorOwned(download.getStatus());
    String message = "cannot create or update the Download's objects: " + error;
    return (stored == null
            ? DownloadStatus.builder().phase(DownloadPhase.Pending)
            : stored.toBuilder())
        .source(describe(download.getSpec().getSource()))
        .conditions(
            Conditions.applyFailed(
                stored == null ? null : stored.getConditions(), message, generation, now))
        .observedGeneration(generation)
        .build();
  }

  static DownloadStatus compute(
      Download download, List<Run> runs, DownloadPhase phase, SyncResult secrets, Instant now) {
    DownloadStatus stored = operatorOwned(download.getStatus());
    DownloadProgress progress =
        download.getStatus() == null ? null : download.getStatus().getProgress();
    long generation = download.getMetadata().getGeneration();
    Run last = runs.get(runs.size() - 1);
    String reason;
    String message;
    boolean ready = phase == DownloadPhase.Succeeded;
    boolean stalled = phase == DownloadPhase.Failed;
    switch (phase) {
      case Succeeded -> {
        reason = "Verified";
        message =
            progress == null
                ? "every file is verified"
                : progress.getFilesTotal()
                    + " files, "
                    + progress.getBytesTotal()
                    + " bytes, verified";
      }
      case Failed -> {
        reason = last.getReason();
        message = failureMessage(download, runs, progress);
      }
      default -> {
        reason = last.getPhase() == RunPhase.Running ? phase.name() : "RetryingAfterFailure";
        message =
            last.getPhase() == RunPhase.Running
                ? "run "
                    + last.getAttempt()
                    + " (Job "
                    + last.getName()
                    + ") is "
                    + phase.name().toLowerCase()
                : "run "
                    + last.getAttempt()
                    + " failed ("
                    + last.getReason()
                    + reportedDetail(last, progress)
                    + "); a new run starts after a backoff";
      }
    }
    List<Condition> conditions = stored == null ? null : stored.getConditions();
    conditions =
        Conditions.set(
            conditions,
            Conditions.READY,
            ready,
            reason,
            ready ? message : "not downloaded yet: " + message,
            generation,
            now);
    conditions =
        Conditions.set(
            conditions,
            Conditions.RECONCILING,
            !ready && !stalled,
            reason,
            ready || stalled ? "" : message,
            generation,
            now);
    conditions =
        Conditions.set(
            conditions,
            Conditions.STALLED,
            stalled,
            reason,
            stalled ? message : "",
            generation,
            now);
    conditions = secrets.condition(conditions, generation, now);
    return DownloadStatus.builder()
        .phase(phase)
        .source(describe(download.getSpec().getSource()))
        .claimName(DownloadResources.claimName(download))
        .path(DownloadResources.path(download))
        .attempts(runs.size())
        .runs(List.copyOf(runs))
        .startedAt(runs.get(0).getStartedAt())
        .completedAt(phase == DownloadPhase.Succeeded ? last.getFinishedAt() : null)
        .conditions(conditions)
        .observedGeneration(generation)
        .build();
  }

  /**
   * A Download whose secrets cannot be read: no new run starts (a run in progress keeps going with
   * the values it has), and what was known before is kept. Without any run yet, Ready and
   * Reconciling say that the secrets are what it waits for.
   */
  static DownloadStatus heldBySecrets(Download download, SyncResult secrets, Instant now) {
    DownloadStatus stored = operatorOwned(download.getStatus());
    long generation = download.getMetadata().getGeneration();
    return (stored == null
            ? DownloadStatus.builder().phase(DownloadPhase.Pending)
            : stored.toBuilder())
        .source(describe(download.getSpec().getSource()))
        .conditions(
            stored == null
                ? secrets.blocked(null, generation, now)
                : secrets.condition(stored.getConditions(), generation, now))
        .observedGeneration(generation)
        .build();
  }

  /**
   * A Download refused because another resource writes into its folder: it stays Pending, Stalled
   * until a person changes one of the two, and keeps whatever runs it had.
   */
  static DownloadStatus folderConflict(Download download, String message, Instant now) {
    DownloadStatus stored = operatorOwned(download.getStatus());
    long generation = download.getMetadata().getGeneration();
    String reason = FolderWriters.CONFLICT_REASON;
    List<Condition> conditions = stored == null ? null : stored.getConditions();
    conditions =
        Conditions.stalled(
            conditions, reason, "not downloaded: " + message, message, generation, now);
    return (stored == null ? DownloadStatus.builder() : stored.toBuilder())
        .phase(DownloadPhase.Pending)
        .source(describe(download.getSpec().getSource()))
        .claimName(DownloadResources.claimName(download))
        .path(DownloadResources.path(download))
        .conditions(conditions)
        .observedGeneration(generation)
        .build();
  }

  private static String failureMessage(
      Download download, List<Run> runs, DownloadProgress progress) {
    Run last = runs.get(runs.size() - 1);
    String detail = reportedDetail(last, progress);
    if (DownloadRuns.PERMANENT_FAILURES.contains(last.getReason())) {
      return "run "
          + last.getAttempt()
          + " failed with "
          + last.getReason()
          + detail
          + "; a new run cannot fix this: correct the cause and create a new Download";
    }
    return "run "
        + last.getAttempt()
        + " failed with "
        + last.getReason()
        + detail
        + "; "
        + RunLedger.failures(runs)
        + " failed runs exceed backoffLimit "
        + download.getSpec().getBackoffLimit();
  }

  /**
   * ": <the downloader's message>" when the run reported why it failed, else empty; URLs in it
   * redacted.
   */
  private static String reportedDetail(Run run, DownloadProgress progress) {
    return progress != null
            && run.getName().equals(progress.getRun())
            && progress.getFailure() != null
            && progress.getFailure().getMessage() != null
        ? ": " + Urls.redactAll(progress.getFailure().getMessage())
        : "";
  }

  /**
   * What kubectl get shows in the SOURCE column: repo@revision or the URL, without its userinfo and
   * query string (a presigned URL's signature is a credential).
   */
  static String describe(DownloadSource source) {
    if (source.getHuggingFace() != null) {
      return source.getHuggingFace().getRepo() + "@" + source.getHuggingFace().getRevision();
    }
    return Urls.redact(source.getHttp().getUrl());
  }
}
