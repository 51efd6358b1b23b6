package dev.llmfleet.inpod.downloader;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/** Bytes per second as a moving average over a window, from samples of a growing byte count. */
final class RateMeter {

  private record Sample(long nanos, long bytes) {}

  private final long windowNanos;
  private final Deque<Sample> samples = new ArrayDeque<>();

  RateMeter(Duration window) {
    this.windowNanos = window.toNanos();
  }

  /** Records the byte count at a time ({@link System#nanoTime()}) and returns the current rate. */
  long sample(long nanos, long bytes) {
    samples.addLast(new Sample(nanos, bytes));
    // Keep the newest sample at or before the window's start, so the average spans the window.
    while (samples.size() > 2 && nanos - nextToOldest().nanos() >= windowNanos) {
      samples.removeFirst();
    }
    Sample oldest = samples.peekFirst();
    long elapsed = nanos - oldest.nanos();
    return elapsed <= 0 ? 0 : (long) ((bytes - oldest.bytes()) * 1e9 / elapsed);
  }

  private Sample nextToOldest() {
    var iterator = samples.iterator();
    iterator.next();
    return iterator.next();
  }
}
