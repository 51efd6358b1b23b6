package dev.llmfleet.inpod.downloader;

import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.common.Errors;
import dev.llmfleet.common.Units;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a run's progress: into the Download's status at most every 2 seconds, and as a line on
 * stdout every 5 seconds for {@code kubectl logs} (no terminal needed).
 *
 * <p>A report is sent only when something moved (bytes, files, the current file, bytes hashed), and
 * {@code progressedAt} moves only while the run does at least {@link #MIN_BYTES_PER_SECOND} of work
 * (bytes fetched or hashed) or verifies a file: the operator restarts a run whose {@code
 * progressedAt} is older than {@code stallTimeoutSeconds}, and a run stuck on a stalled socket, or
 * on a server that trickles a few bytes a second, must look stalled even though this process is
 * alive and its bytes move.
 */
final class ProgressReporter {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  /**
   * Slower than this for a whole stall window is a stall: no model arrives at a few bytes a second.
   */
  static final long MIN_BYTES_PER_SECOND = 1024;

  private static final long TICK_MILLIS = 1000;
  private static final long REPORT_EVERY_NANOS = Duration.ofSeconds(2).toNanos();
  private static final long PRINT_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
  private static final List<Duration> FINAL_REPORT_RETRIES =
      List.of(
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(4),
          Duration.ofSeconds(8));

  private final Progress progress;
  private final StatusSink sink;
  private final PrintStream out;
  private final Optional<String> run;
  private final Clock clock;
  private final RateMeter meter = new RateMeter(Duration.ofSeconds(10));
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "progress");
            thread.setDaemon(true);
            return thread;
          });

  private long rate;
  private long lastReport;
  private long lastPrint;
  private List<Object> lastReported = List.of();
  private Mark mark;

  /**
   * The last moment the run made progress at the minimum rate, and the work done by then.
   *
   * @param work bytes fetched or hashed this run ({@link Progress.Snapshot#work})
   */
  record Mark(Instant at, long work, int filesDone) {

    /**
     * Now, when a file was verified or the work since this mark kept up the minimum rate; else this
     * mark.
     */
    Mark next(Instant now, Progress.Snapshot snapshot, long minBytesPerSecond) {
      long seconds = Math.max(1, Duration.between(at, now).toSeconds());
      boolean progressed =
          snapshot.filesDone() > filesDone || snapshot.work() - work >= minBytesPerSecond * seconds;
      return progressed ? new Mark(now, snapshot.work(), snapshot.filesDone()) : this;
    }
  }

  ProgressReporter(
      Progress progress, StatusSink sink, PrintStream out, Optional<String> run, Clock clock) {
    this.progress = progress;
    this.sink = sink;
    this.out = out;
    this.run = run;
    this.clock = clock;
    this.mark = new Mark(clock.instant(), 0, progress.snapshot().filesDone());
  }

  /**
   * Reports at once (totals and what is on disk already), then keeps reporting. The first report is
   * sent from the reporting thread, so that fetching starts without waiting for the API server (the
   * first patch of a process costs it a second or more); {@link #finish} still sends it first.
   */
  void start() {
    ticker.execute(this::first);
    ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private synchronized void first() {
    try {
      long now = System.nanoTime();
      Progress.Snapshot snapshot = progress.snapshot();
      rate = meter.sample(now, snapshot.received());
      report(snapshot, now);
      print(snapshot, now);
    } catch (RuntimeException e) {
      LOG.warn("progress report failed: {}", Errors.describe(e));
    }
  }

  private synchronized void tick() {
    // An exception would silently end a scheduled task: nothing may escape.
    try {
      long now = System.nanoTime();
      Progress.Snapshot snapshot = progress.snapshot();
      rate = meter.sample(now, snapshot.received());
      mark = mark.next(clock.instant(), snapshot, MIN_BYTES_PER_SECOND);
      if (now - lastReport >= REPORT_EVERY_NANOS && !key(snapshot).equals(lastReported)) {
        report(snapshot, now);
      }
      if (now - lastPrint >= PRINT_EVERY_NANOS) {
        print(snapshot, now);
      }
    } catch (RuntimeException e) {
      LOG.warn("progress report failed: {}", Errors.describe(e));
    }
  }

  private void report(Progress.Snapshot snapshot, long now) {
    lastReport = now;
    try {
      sink.report(
          status(snapshot, rate, false, Optional.empty(), run, clock.instant(), mark.at()),
          Optional.empty());
      lastReported = key(snapshot);
    } catch (RuntimeException e) {
      // The API server may be restarting: the next tick tries again; the download goes on.
      LOG.warn("cannot report progress, will retry: {}", Errors.describe(e));
    }
  }

  private void print(Progress.Snapshot snapshot, long now) {
    lastPrint = now;
    out.println(line(snapshot, rate));
  }

  /**
   * Stops the periodic reports and sends the last one, retrying for a while: without it the
   * operator cannot tell a finished run from a lost one.
   *
   * @param model what the files hold, reported only when the run is verified
   * @return whether the last report was written
   */
  boolean finish(Optional<Failure> failure, Optional<DownloadModel> model)
      throws InterruptedException {
    // Lets the first report go out before the last (it may not have run yet in a short run), and
    // cancels the periodic one.
    ticker.shutdown();
    if (!ticker.awaitTermination(30, TimeUnit.SECONDS)) {
      ticker.shutdownNow();
    }
    Progress.Snapshot snapshot = progress.snapshot();
    boolean verified = failure.isEmpty() && snapshot.complete();
    Instant now = clock.instant();
    DownloadProgress last = status(snapshot, 0, verified, failure, run, now, now);
    for (int attempt = 0; ; attempt++) {
      try {
        sink.report(last, verified ? model : Optional.empty());
        return true;
      } catch (RuntimeException e) {
        if (attempt == FINAL_REPORT_RETRIES.size()) {
          LOG.error("cannot report the result: {}", Errors.describe(e));
          return false;
        }
        LOG.warn("cannot report the result, will retry: {}", Errors.describe(e));
        Thread.sleep(FINAL_REPORT_RETRIES.get(attempt).toMillis());
      }
    }
  }

  /** What makes a report worth sending; rate and ETA alone do not. */
  private static List<Object> key(Progress.Snapshot s) {
    return List.of(s.bytesDone(), s.filesDone(), s.currentFile(), s.bytesHashed(), s.verifying());
  }

  /**
   * The report of a snapshot.
   *
   * @param progressedAt when the run last made progress at the minimum rate
   */
  static DownloadProgress status(
      Progress.Snapshot s,
      long bytesPerSecond,
      boolean verified,
      Optional<Failure> failure,
      Optional<String> run,
      Instant now,
      Instant progressedAt) {
    return DownloadProgress.builder()
        .bytesDone(s.bytesDone())
        .bytesTotal(s.bytesTotal())
        .percent(s.percent())
        .filesDone(s.filesDone())
        .filesTotal(s.filesTotal())
        .bytesPerSecond(bytesPerSecond)
        .etaSeconds(failure.isPresent() ? null : s.etaSeconds(bytesPerSecond).orElse(null))
        .currentFile(s.currentFile().orElse(null))
        .updatedAt(now.truncatedTo(ChronoUnit.SECONDS).toString())
        .progressedAt(progressedAt.truncatedTo(ChronoUnit.SECONDS).toString())
        .step(s.verifying() ? "Verifying" : "Downloading")
        .bytesHashed(s.bytesHashed() > 0 ? s.bytesHashed() : null)
        .verified(verified)
        .run(run.orElse(null))
        .failure(failure.map(Failure::toStatus).orElse(null))
        .build();
  }

  /**
   * {@code 42% 6.0 GiB/14.2 GiB 3/14 files 100.0 MiB/s eta 1m24s model-00002-of-00004.safetensors}
   */
  static String line(Progress.Snapshot s, long bytesPerSecond) {
    String eta = s.etaSeconds(bytesPerSecond).map(Units::duration).orElse("--");
    return s.percent()
        + "% "
        + Units.bytes(s.bytesDone())
        + "/"
        + Units.bytes(s.bytesTotal())
        + " "
        + s.filesDone()
        + "/"
        + s.filesTotal()
        + " files "
        + Units.rate(bytesPerSecond)
        + " eta "
        + eta
        + s.currentFile().map(f -> " " + f).orElse("")
        + (s.verifying()
            ? ", verifying: " + Units.bytes(s.bytesHashed()) + " on disk hashed again"
            : "");
  }
}
