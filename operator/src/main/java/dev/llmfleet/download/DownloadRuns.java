package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadGc;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The run bookkeeping of a Download as a pure function: from the stored status, the downloader's progress report
 * and the observed Jobs, decide how each run ended, whether to start another, and what to collect.
 */
public final class DownloadRuns {

  public static final String NO_RESULT_REPORTED = "NoResultReported";
  public static final String STALL_TIMEOUT = "StallTimeout";

  /** Failures no new run can fix: a person must change the spec, the storage or the credentials. */
  static final Set<String> PERMANENT_FAILURES =
      Set.of("ChecksumMismatch", "InsufficientStorage", "SourceNotFound", "Unauthorized");

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private DownloadRuns() {
  }

  public static RunPlan plan(Download download, Map<String, Job> jobsByName, Instant now) {
    DownloadSpec spec = download.getSpec();
    DownloadStatus stored = DownloadStatuses.operatorOwned(download.getStatus());
    DownloadProgress progress = download.getStatus() == null ? null : download.getStatus().getProgress();
    List<Run> runs = new ArrayList<>(stored == null || stored.getRuns() == null ? List.of() : stored.getRuns());
    Map<String, String> stop = new LinkedHashMap<>();
    List<String> delete = new ArrayList<>();
    Recheck recheck = new Recheck(now);
    String at = timestamp(now);

    Run active = runs.isEmpty() ? null : runs.get(runs.size() - 1);
    if (active != null && active.getPhase() == RunPhase.Running) {
      boolean reported = progress != null && active.getName().equals(progress.getRun());
      Job job = jobsByName.get(active.getName());
      Run ended = null;
      if (reported && isComplete(progress)) {
        ended = active.toBuilder().phase(RunPhase.Succeeded).finishedAt(at).build();
        delete.add(active.getName());
      } else if (reported && progress.getFailure() != null) {
        ended = failed(active, progress.getFailure().getReason(), at);
      } else if (job != null && stopReason(job) != null) {
        // Stopped by an earlier pass whose status write this (possibly stale) view does not show yet.
        ended = failed(active, stopReason(job), at);
      } else if (job == null || isFinished(job)) {
        ended = failed(active, NO_RESULT_REPORTED, at);
      } else {
        Instant lastSign = Instant.parse(active.getStartedAt());
        if (reported && progress.getUpdatedAt() != null && Instant.parse(progress.getUpdatedAt()).isAfter(lastSign)) {
          lastSign = Instant.parse(progress.getUpdatedAt());
        }
        Instant stallDeadline = lastSign.plusSeconds(spec.getStallTimeoutSeconds());
        if (!now.isBefore(stallDeadline)) {
          ended = failed(active, STALL_TIMEOUT, at);
          stop.put(active.getName(), STALL_TIMEOUT);
        } else {
          recheck.at(stallDeadline);
        }
      }
      if (ended != null) {
        runs.set(runs.size() - 1, ended);
      }
    }

    Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
    Optional<Integer> start = Optional.empty();
    if (last == null) {
      start = Optional.of(1);
    } else if (last.getPhase() == RunPhase.Failed && !givesUp(spec, runs)) {
      Instant retryAt = Instant.parse(last.getFinishedAt()).plus(backoff(failures(runs)));
      if (now.isBefore(retryAt)) {
        recheck.at(retryAt);
      } else {
        start = Optional.of(runs.size() + 1);
      }
    }
    start.ifPresent(attempt -> {
      runs.add(Run.builder().name(DownloadResources.runName(download, attempt))
          .attempt(attempt).phase(RunPhase.Running).startedAt(at).build());
      recheck.at(now.plusSeconds(spec.getStallTimeoutSeconds()));
    });

    collectFailedRuns(spec.getGc(), runs, jobsByName, delete, recheck, now);

    DownloadStatus status = DownloadStatuses.compute(download, runs, phase(spec, runs, progress), now);
    return new RunPlan(status, start, stop, delete, recheck.after());
  }

  /** 10 s after the first failure, doubling, at most 5 minutes. */
  static Duration backoff(int failures) {
    Duration delay = FIRST_BACKOFF;
    for (int i = 1; i < failures && delay.compareTo(MAX_BACKOFF) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
  }

  static boolean givesUp(DownloadSpec spec, List<Run> runs) {
    Run last = runs.get(runs.size() - 1);
    return last.getPhase() == RunPhase.Failed
        && (PERMANENT_FAILURES.contains(last.getReason()) || failures(runs) > spec.getBackoffLimit());
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
    if (reportedByLast && progress.getBytesTotal() != null && progress.getBytesTotal().equals(progress.getBytesDone())) {
      return DownloadPhase.Verifying;
    }
    return runs.size() == 1 && !reportedByLast ? DownloadPhase.Pending : DownloadPhase.Downloading;
  }

  /** A failed run's Job is deleted once ttlSecondsAfterFailure has passed; the run stays listed, collected. */
  private static void collectFailedRuns(DownloadGc gc, List<Run> runs, Map<String, Job> jobsByName,
      List<String> delete, Recheck recheck, Instant now) {
    for (int i = 0; i < runs.size(); i++) {
      Run run = runs.get(i);
      if (run.getPhase() != RunPhase.Failed || Boolean.TRUE.equals(run.getCollected())) {
        continue;
      }
      Instant due = Instant.parse(run.getFinishedAt()).plusSeconds(gc.getTtlSecondsAfterFailure());
      if (now.isBefore(due)) {
        recheck.at(due);
      } else {
        if (jobsByName.containsKey(run.getName())) {
          delete.add(run.getName());
        }
        runs.set(i, run.toBuilder().collected(true).build());
      }
    }
  }

  static boolean isComplete(DownloadProgress progress) {
    return Boolean.TRUE.equals(progress.getVerified()) && progress.getBytesTotal() != null
        && progress.getBytesTotal().equals(progress.getBytesDone());
  }

  /** The reason the operator stopped this Job for, kept on the Job itself so no later pass can mistake it. */
  static String stopReason(Job job) {
    return job.getMetadata().getAnnotations() == null ? null
        : job.getMetadata().getAnnotations().get(DownloadResources.STOP_REASON_ANNOTATION);
  }

  private static boolean isFinished(Job job) {
    return job.getStatus() != null && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream().anyMatch(c ->
            ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()));
  }

  private static Run failed(Run run, String reason, String at) {
    return run.toBuilder().phase(RunPhase.Failed).reason(reason).finishedAt(at).build();
  }

  static int failures(List<Run> runs) {
    return (int) runs.stream().filter(r -> r.getPhase() == RunPhase.Failed).count();
  }

  static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** The earliest moment something is due: a stall deadline, a retry, a collection. */
  private static final class Recheck {
    private final Instant now;
    private Instant earliest;

    Recheck(Instant now) {
      this.now = now;
    }

    void at(Instant due) {
      if (earliest == null || due.isBefore(earliest)) {
        earliest = due;
      }
    }

    Optional<Duration> after() {
      // A second of slack: timestamps are stored with whole seconds.
      return Optional.ofNullable(earliest).map(due -> Duration.between(now, due).plusSeconds(1));
    }
  }
}
