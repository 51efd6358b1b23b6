package dev.llmfleet.common.runs;

import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The runs of one resource (a Download, a FineTuneJob) while one pass plans them: the active run
 * ends, the next one becomes due after exponential backoff, failed runs' Jobs are collected.
 * Everything is decided from the stored runs and the given time, never from memory, so a restarted
 * operator neither repeats nor skips a run. Not thread-safe: one instance per pass.
 */
public final class RunLedger {

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private final List<Run> runs;
  private final Instant now;
  private final Recheck recheck;

  /**
   * @param stored the runs in the resource's status, oldest first; null for none
   */
  public RunLedger(List<Run> stored, Instant now) {
    this.runs = new ArrayList<>(stored == null ? List.of() : stored);
    this.now = now;
    this.recheck = new Recheck(now);
  }

  public List<Run> runs() {
    return List.copyOf(runs);
  }

  public Optional<Run> last() {
    return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
  }

  /** The last run while it is still running. */
  public Optional<Run> active() {
    return last().filter(run -> run.getPhase() == RunPhase.Running);
  }

  /** The active run failed, now, for {@code reason}. */
  public void fail(String reason) {
    endActive(active().orElseThrow().toBuilder().phase(RunPhase.Failed).reason(reason));
  }

  /** The active run succeeded, now. */
  public void succeed() {
    endActive(active().orElseThrow().toBuilder().phase(RunPhase.Succeeded));
  }

  private void endActive(Run.RunBuilder ended) {
    runs.set(runs.size() - 1, ended.finishedAt(timestamp(now)).build());
  }

  /**
   * The attempt that should start now: the first one, or the next after a failed run once its
   * backoff has passed (until then, when it is due is noted for {@link #recheckAfter}). None while
   * a run is active, after a success, or when {@code givesUp}.
   */
  public Optional<Integer> due(boolean givesUp) {
    Optional<Run> last = last();
    if (last.isEmpty()) {
      return Optional.of(1);
    }
    if (last.get().getPhase() != RunPhase.Failed || givesUp) {
      return Optional.empty();
    }
    Instant retryAt = Instant.parse(last.get().getFinishedAt()).plus(backoff(failures(runs)));
    if (now.isBefore(retryAt)) {
      recheck.at(retryAt);
      return Optional.empty();
    }
    return Optional.of(runs.size() + 1);
  }

  /** Records run {@code attempt}, whose Job is {@code name}, as started now. */
  public void start(int attempt, String name) {
    runs.add(
        Run.builder()
            .name(name)
            .attempt(attempt)
            .phase(RunPhase.Running)
            .startedAt(timestamp(now))
            .build());
  }

  /**
   * Marks failed runs collected: those whose Job is gone (deleted by the namespace cap or by a
   * person), and those whose Job is due per {@code gc}; when the others fall due is noted for
   * {@link #recheckAfter}.
   *
   * @param existingJobs names of the resource's Jobs that exist
   * @return the runs collected by this pass; the caller deletes those of their Jobs that exist
   */
  public List<Run> collectFailed(FailedRunGc gc, Set<String> existingJobs) {
    List<Integer> failed = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      if (runs.get(i).getPhase() == RunPhase.Failed) {
        failed.add(i);
      }
    }
    List<Integer> kept =
        failed.subList(Math.max(0, failed.size() - gc.keepNewest()), failed.size());
    List<Run> collected = new ArrayList<>();
    for (int i : failed) {
      Run run = runs.get(i);
      if (Boolean.TRUE.equals(run.getCollected())) {
        continue;
      }
      if (existingJobs.contains(run.getName())) {
        if (kept.contains(i)) {
          continue;
        }
        Instant due = Instant.parse(run.getFinishedAt()).plusSeconds(gc.ttlSecondsAfterFailure());
        if (now.isBefore(due)) {
          recheck.at(due);
          continue;
        }
      }
      Run done = run.toBuilder().collected(true).build();
      runs.set(i, done);
      collected.add(done);
    }
    return collected;
  }

  /** Something else the caller waits for, such as a stall deadline. */
  public void recheckAt(Instant due) {
    recheck.at(due);
  }

  /** How long until the earliest thing noted is due, if any. */
  public Optional<Duration> recheckAfter() {
    return recheck.after();
  }

  /** 10 s after the first failure, doubling, at most 5 minutes. */
  public static Duration backoff(int failures) {
    Duration delay = FIRST_BACKOFF;
    for (int i = 1; i < failures && delay.compareTo(MAX_BACKOFF) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
  }

  public static int failures(List<Run> runs) {
    return (int) runs.stream().filter(r -> r.getPhase() == RunPhase.Failed).count();
  }

  /** Times in status are RFC 3339 with whole seconds, like metav1.Time. */
  public static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
