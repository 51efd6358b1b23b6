package dev.llmfleet.inpod.downloader;

import dev.llmfleet.common.Errors;
import dev.llmfleet.common.Units;
import dev.llmfleet.common.Urls;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exponential backoff for transient trouble (resets, timeouts, 5xx, 429): the first retry after
 * {@code initial}, doubling up to {@code max}, and giving up after {@code maxFailures} failures in
 * a row with {@link Failure#TRANSFER_FAILED}; a new run of the operator then starts over.
 */
record Retry(Duration initial, Duration max, int maxFailures) {

  private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

  static final Retry DEFAULT = new Retry(Duration.ofSeconds(1), Duration.ofSeconds(30), 8);

  interface Attempt<T> {
    T run() throws IOException, Failure;
  }

  /** Delay before retry number {@code failures} (1-based). */
  Duration delay(int failures) {
    int doublings = Math.min(failures - 1, 30);
    long millis = initial.toMillis() << doublings;
    return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
  }

  /** Runs an attempt until it succeeds, fails for good, or has failed too often. */
  <T> T call(String what, Attempt<T> attempt) throws Failure, InterruptedException {
    for (int failures = 1; ; failures++) {
      try {
        return attempt.run();
      } catch (IOException e) {
        afterFailure(what, failures, e);
      }
    }
  }

  /**
   * Waits before the next attempt, or throws when this was the last one allowed, or at once for a
   * TLS certificate that is not trusted (no retry can change that).
   *
   * @param failures consecutive failures so far, this one included
   */
  void afterFailure(String what, int failures, IOException error)
      throws Failure, InterruptedException {
    Optional<Failure> fatal = Tls.classify(error);
    if (fatal.isPresent()) {
      throw fatal.get();
    }
    if (failures >= maxFailures) {
      throw new Failure(
          Failure.TRANSFER_FAILED,
          what
              + " failed "
              + failures
              + " times in a row, last: "
              + Urls.redactAll(Errors.describe(error)));
    }
    Duration delay = delay(failures);
    LOG.warn(
        "{}: {}; retry {} of {} in {}",
        what,
        Urls.redactAll(Errors.describe(error)),
        failures,
        maxFailures - 1,
        delay.toMillis() < 1000 ? delay.toMillis() + "ms" : Units.duration(delay.toSeconds()));
    Thread.sleep(delay.toMillis());
  }
}
