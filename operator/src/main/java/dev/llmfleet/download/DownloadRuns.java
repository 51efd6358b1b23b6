package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadFailure;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.common.runs.FailedRunGc;
import dev.llmfleet.common.runs.JobStates;
import dev.llmfleet.common.runs.RunLedger;
import dev.llmfleet.secrets.SyncResult;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The run bookkeeping of a Download as a pure function: from the stored status, the downloader's
 * progress report and the observed Jobs, decide how each run ended, whether to start another, and
 * what to collect.
 */
public final class DownloadRuns {

  public static final String NO_RESULT_REPORTED = "NoResultReported";
  public static final String STALL_TIMEOUT = "StallTimeout";

  /** Failures no new run can fix: a person must change the spec, the storage or the credentials. */
  static final Set<String> PERMANENT_FAILURES =
      Set.of(
          DownloadFailure.CHECKSUM_MISMATCH,
          DownloadFailure.INSUFFICIENT_STORAGE,
          DownloadFailure.SOURCE_NOT_FOUND,
          DownloadFailure.UNAUTHORIZED,
          DownloadFailure.UNSAFE_PATH,
          DownloadFailure.INVALID_SOURCE);

  private DownloadRuns() {}

  /**
   * @param secrets the outcome of the secrets step; while it fails, nothing starts or stops and the
   *     status says why ({@link DownloadStatuses#heldBySecrets})
   */
  public static RunPlan plan(
      Download download, Map<String, Job> jobsByName, SyncResult secrets, Instant now) {
    if (!secrets.ready()) {
      return new RunPlan(
          DownloadStatuses.heldBySecrets(download, secrets, now),
          Optional.empty(),
          Map.of(),
          List.of(),
          Optional.empty());
    }
    DownloadSpec spec = download.getSpec();
    DownloadStatus stored = DownloadStatuses.operatorOwned(download.getStatus());
    DownloadProgress progress =
        download.getStatus() == null ? null : download.getStatus().getProgress();
    RunLedger ledger = new RunLedger(stored == null ? null : stored.getRuns(), now);
    Map<String, String> stop = new LinkedHashMap<>();
    List<String> delete = new ArrayList<>();

    Optional<Run> active = ledger.active();
    if (active.isPresent()) {
      String name = active.get().getName();
      boolean reported = progress != null && name.equals(progress.getRun());
      Job job = jobsByName.get(name);
      if (reported && isComplete(progress)) {
        ledger.succeed();
        delete.add(name);
      } else if (reported && progress.getFailure() != null) {
        ledger.fail(progress.getFailure().getReason());
      } else if (job != null && stopReason(job) != null) {
        // Stopped by an earlier pass whose status write this (possibly stale) view does not show
        // yet.
        ledger.fail(stopReason(job));
      } else if (job == null || JobStates.isFinished(job)) {
        ledger.fail(NO_RESULT_REPORTED);
      } else {
        Instant lastSign = Instant.parse(active.get().getStartedAt());
        // progressedAt moves only with progress at the downloader's minimum rate; reports of a
        // trickle refresh updatedAt.
        String progressedAt =
            !reported
                ? null
                : progress.getProgressedAt() != null
                    ? progress.getProgressedAt()
                    : progress.getUpdatedAt();
        if (progressedAt != null && Instant.parse(progressedAt).isAfter(lastSign)) {
          lastSign = Instant.parse(progressedAt);
        }
        Instant stallDeadline = lastSign.plusSeconds(spec.getStallTimeoutSeconds());
        if (!now.isBefore(stallDeadline)) {
          ledger.fail(STALL_TIMEOUT);
          stop.put(name, STALL_TIMEOUT);
        } else {
          ledger.recheckAt(stallDeadline);
        }
      }
    }

    Optional<Integer> start = ledger.due(givesUp(spec, ledger.runs()));
    start.ifPresent(
        attempt -> {
          ledger.start(attempt, DownloadResources.runName(download, attempt));
          ledger.recheckAt(now.plusSeconds(spec.getStallTimeoutSeconds()));
        });

    ledger
        .collectFailed(
            new FailedRunGc(spec.getGc().getTtlSecondsAfterFailure(), 0), jobsByName.keySet())
        .stream()
        .map(Run::getName)
        .filter(jobsByName::containsKey)
        .forEach(delete::add);

    List<Run> runs = ledger.runs();
    DownloadStatus status =
        DownloadStatuses.compute(download, runs, phase(spec, runs, progress), secrets, now);
    return new RunPlan(status, start, stop, delete, ledger.recheckAfter());
  }

  static boolean givesUp(DownloadSpec spec, List<Run> runs) {
    if (runs.isEmpty()) {
      return false;
    }
    Run last = runs.get(runs.size() - 1);
    return last.getPhase() == RunPhase.Failed
        && (PERMANENT_FAILURES.contains(last.getReason())
            || RunLedger.failures(runs) > spec.getBackoffLimit());
  }

  private static DownloadPhase phase(DownloadSpec spec, List<Run> runs, DownloadProgress progress) {
    Run last = runs.get(runs.size() - 1);
    if (last.getPhase() == RunPhase.Succeeded) {
      return DownloadPhase.Succeeded;
    }
    if (givesUp(spec, runs)) {
      return DownloadPhase.Failed;
    }
    boolean reportedByLast = progress != null && last.getName().equals(progress.getRun());
    if (reportedByLast
        && progress.getBytesTotal() != null
        && progress.getBytesTotal().equals(progress.getBytesDone())) {
      return DownloadPhase.Verifying;
    }
    return runs.size() == 1 && !reportedByLast ? DownloadPhase.Pending : DownloadPhase.Downloading;
  }

  static boolean isComplete(DownloadProgress progress) {
    return Boolean.TRUE.equals(progress.getVerified())
        && progress.getBytesTotal() != null
        && progress.getBytesTotal().equals(progress.getBytesDone());
  }

  /**
   * The reason the operator stopped this Job for, kept on the Job itself so no later pass can
   * mistake it.
   */
  static String stopReason(Job job) {
    return job.getMetadata().getAnnotations() == null
        ? null
        : job.getMetadata().getAnnotations().get(DownloadResources.STOP_REASON_ANNOTATION);
  }
}
