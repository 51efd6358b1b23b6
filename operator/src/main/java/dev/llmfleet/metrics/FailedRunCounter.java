package dev.llmfleet.metrics;

import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code llmfleet_runs_failed_total{kind,reason}}: runs counted as they appear failed in the
 * resources' status.
 *
 * <p>Derived from status rather than incremented by the reconcilers: status is what the operator
 * wrote once and for all (a run's failure is final and runs are only appended), so a pass that
 * repeats after a conflict or a stale read cannot count a failure twice, generation-aware
 * controllers (FineTuneJob) need no event for it, and standby replicas count the same failures as
 * the leader. A failed run is counted once per process: on a resource already seen, every failed
 * run beyond those seen; on a resource seen for the first time, only runs that failed while this
 * process ran (earlier ones were counted by the process before).
 */
final class FailedRunCounter {

  static final String NAME = "llmfleet.runs.failed";

  private final MeterRegistry registry;
  private final Instant since;
  // Resource uid to the number of failed runs already counted: a few bytes per Download or
  // FineTuneJob.
  private final Map<String, Integer> counted = new HashMap<>();

  FailedRunCounter(MeterRegistry registry, Instant since) {
    this.registry = registry;
    this.since = since;
  }

  void observe(String kind, HasMetadata resource, List<Run> runs) {
    List<Run> failed = runs.stream().filter(run -> run.getPhase() == RunPhase.Failed).toList();
    Integer seen = counted.put(resource.getMetadata().getUid(), failed.size());
    List<Run> fresh =
        seen == null
            ? failed.stream().filter(this::failedWhileRunning).toList()
            : failed.subList(Math.min(seen, failed.size()), failed.size());
    fresh.forEach(
        run ->
            Counter.builder(NAME)
                .description(
                    "Runs of Downloads and FineTuneJobs that failed, by the reason in status.runs")
                .tag("kind", kind)
                .tag("reason", run.getReason() == null ? "Unknown" : run.getReason())
                .register(registry)
                .increment());
  }

  /** Forgets deleted resources. */
  void retainOnly(Set<String> uids) {
    counted.keySet().retainAll(uids);
  }

  private boolean failedWhileRunning(Run run) {
    try {
      return run.getFinishedAt() != null && !Instant.parse(run.getFinishedAt()).isBefore(since);
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
