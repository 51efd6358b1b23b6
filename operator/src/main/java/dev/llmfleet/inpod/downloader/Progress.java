package dev.llmfleet.inpod.downloader;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of a run, updated by the fetching threads and read by the reporter. */
final class Progress {

  private final long bytesTotal;
  private final int filesTotal;
  private final AtomicLong bytesDone = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicInteger filesDone = new AtomicInteger();
  private final AtomicLong hashed = new AtomicLong();
  private final AtomicInteger verifying = new AtomicInteger();
  // By position in the listing, so that "the current file" is the earliest one still in flight.
  private final ConcurrentSkipListMap<Integer, String> active = new ConcurrentSkipListMap<>();

  /**
   * What the counters said at one moment.
   *
   * @param bytesHashed bytes already on disk hashed again this run, before resuming or trusting
   *     them
   * @param verifying whether such hashing is going on now
   */
  record Snapshot(
      long bytesDone,
      long bytesTotal,
      int filesDone,
      int filesTotal,
      long received,
      Optional<String> currentFile,
      long bytesHashed,
      boolean verifying) {

    Snapshot(
        long bytesDone,
        long bytesTotal,
        int filesDone,
        int filesTotal,
        long received,
        Optional<String> currentFile) {
      this(bytesDone, bytesTotal, filesDone, filesTotal, received, currentFile, 0, false);
    }

    /** Bytes fetched or hashed: the work whose rate tells a stalled run from a slow one. */
    long work() {
      return received + bytesHashed;
    }

    /** Whole percent, rounded down so that 100 means every byte. */
    int percent() {
      return bytesTotal == 0 ? 100 : (int) (bytesDone * 100 / bytesTotal);
    }

    boolean complete() {
      return bytesDone == bytesTotal && filesDone == filesTotal;
    }

    /** Seconds until every byte is in at {@code bytesPerSecond}; empty when nothing flows. */
    Optional<Long> etaSeconds(long bytesPerSecond) {
      long left = bytesTotal - bytesDone;
      if (left <= 0) {
        return Optional.of(0L);
      }
      return bytesPerSecond > 0
          ? Optional.of((left + bytesPerSecond - 1) / bytesPerSecond)
          : Optional.empty();
    }
  }

  Progress(List<LocalFile> files) {
    this.bytesTotal = files.stream().mapToLong(f -> f.remote().size()).sum();
    this.filesTotal = files.size();
    for (LocalFile file : files) {
      bytesDone.addAndGet(file.onDisk());
      if (file.complete()) {
        filesDone.incrementAndGet();
      }
    }
  }

  void started(int index, String path) {
    active.put(index, path);
  }

  void finished(int index) {
    active.remove(index);
  }

  /** Bytes received and written this run. */
  void written(long bytes) {
    bytesDone.addAndGet(bytes);
    received.addAndGet(bytes);
  }

  /**
   * Bytes on disk thrown away: a part file restarted from zero, or one that failed verification.
   */
  void discarded(long bytes) {
    bytesDone.addAndGet(-bytes);
  }

  void verified() {
    filesDone.incrementAndGet();
  }

  /** A file's bytes on disk start being hashed again (ended by {@link #verifyingDone}). */
  void verifying() {
    verifying.incrementAndGet();
  }

  void hashed(long bytes) {
    hashed.addAndGet(bytes);
  }

  void verifyingDone() {
    verifying.decrementAndGet();
  }

  Snapshot snapshot() {
    var first = active.firstEntry();
    return new Snapshot(
        bytesDone.get(),
        bytesTotal,
        filesDone.get(),
        filesTotal,
        received.get(),
        Optional.ofNullable(first).map(Map.Entry::getValue),
        hashed.get(),
        verifying.get() > 0);
  }
}
