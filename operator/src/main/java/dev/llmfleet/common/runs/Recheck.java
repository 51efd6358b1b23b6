package dev.llmfleet.common.runs;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The earliest moment something is due in a planning pass: a stall deadline, a retry, a collection.
 */
final class Recheck {

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

  /** How long the reconciler should wait before looking again, if anything is due. */
  Optional<Duration> after() {
    // A second of slack: timestamps are stored with whole seconds.
    return Optional.ofNullable(earliest).map(due -> Duration.between(now, due).plusSeconds(1));
  }
}
