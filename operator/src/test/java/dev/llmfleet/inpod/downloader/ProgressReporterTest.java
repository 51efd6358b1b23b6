package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.DownloadProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

  private static final long MIB = 1024 * 1024;
  private static final Progress.Snapshot HALFWAY =
      new Progress.Snapshot(
          6_397_117_870L,
          15_231_233_024L,
          3,
          14,
          1000,
          Optional.of("model-00002-of-00004.safetensors"));

  @Test
  void printsOneReadableLine() {
    assertThat(ProgressReporter.line(HALFWAY, 100 * MIB))
        .isEqualTo(
            "41% 6.0 GiB/14.2 GiB 3/14 files 100.0 MiB/s eta 1m25s model-00002-of-00004.safetensors");
  }

  @Test
  void withoutARateTheEtaIsUnknown() {
    assertThat(ProgressReporter.line(HALFWAY, 0)).contains("0 B/s eta --");
  }

  @Test
  void reportsEveryFieldOfTheProgress() {
    DownloadProgress status =
        ProgressReporter.status(
            HALFWAY,
            100 * MIB,
            false,
            Optional.empty(),
            Optional.of("qwen-run-2"),
            Instant.parse("2026-11-27T10:00:00.734Z"),
            Instant.parse("2026-11-27T09:59:58Z"));

    assertThat(status)
        .isEqualTo(
            DownloadProgress.builder()
                .bytesDone(6_397_117_870L)
                .bytesTotal(15_231_233_024L)
                .percent(41)
                .filesDone(3)
                .filesTotal(14)
                .bytesPerSecond(100 * MIB)
                .etaSeconds(85L)
                .currentFile("model-00002-of-00004.safetensors")
                .updatedAt("2026-11-27T10:00:00Z")
                .progressedAt("2026-11-27T09:59:58Z")
                .step("Downloading")
                .verified(false)
                .run("qwen-run-2")
                .build());
  }

  @Test
  void aFailureIsReportedWithItsReasonAndNoEta() {
    Failure failure = new Failure(Failure.CHECKSUM_MISMATCH, "a.bin: expected sha256 x, got y");

    DownloadProgress status =
        ProgressReporter.status(
            HALFWAY,
            0,
            false,
            Optional.of(failure),
            Optional.empty(),
            Instant.EPOCH,
            Instant.EPOCH);

    assertThat(status.getFailure().getReason()).isEqualTo("ChecksumMismatch");
    assertThat(status.getFailure().getMessage()).isEqualTo("a.bin: expected sha256 x, got y");
    assertThat(status.getEtaSeconds()).isNull();
    assertThat(status.getRun()).isNull();
  }

  @Test
  void progressedAtMovesOnlyWhileTheWorkKeepsUpTheMinimumRate() {
    Instant t0 = Instant.parse("2026-11-27T10:00:00Z");
    ProgressReporter.Mark start = new ProgressReporter.Mark(t0, 0, 0);
    ProgressReporter.Mark mark = start;
    // A server that trickles 1000 bytes a second, just below the minimum of 1024, for ten minutes.
    for (int second = 1; second <= 600; second++) {
      mark = mark.next(t0.plusSeconds(second), snapshot(1000L * second, 0, 0), 1024);
    }
    assertThat(mark).isEqualTo(start);

    assertThat(start.next(t0.plusSeconds(1), snapshot(2048, 0, 0), 1024).at())
        .isEqualTo(t0.plusSeconds(1));
    assertThat(start.next(t0.plusSeconds(3), snapshot(0, 0, 1), 1024).at())
        .as("a small file verified")
        .isEqualTo(t0.plusSeconds(3));
    assertThat(start.next(t0.plusSeconds(2), snapshot(0, 64 * MIB, 0), 1024).at())
        .as("bytes on disk hashed again")
        .isEqualTo(t0.plusSeconds(2));
  }

  @Test
  void hashingBytesOnDiskIsReportedAsAVerifyingStepThatProgresses() throws Exception {
    Progress progress = new Progress(List.of());
    List<DownloadProgress> reports = new CopyOnWriteArrayList<>();
    ProgressReporter reporter =
        new ProgressReporter(
            progress,
            (report, model) -> reports.add(report),
            new PrintStream(new ByteArrayOutputStream()),
            Optional.of("run-1"),
            Clock.systemUTC());
    progress.verifying();
    reporter.start();
    // Hashing at 64 MiB a second for five seconds: no byte is fetched, bytesDone stays where it is.
    for (int i = 0; i < 50; i++) {
      progress.hashed(6_710_886);
      Thread.sleep(100);
    }
    List<DownloadProgress> during = List.copyOf(reports);
    progress.verifyingDone();
    reporter.finish(Optional.empty(), Optional.empty());

    assertThat(during).as("reports while hashing").hasSizeGreaterThanOrEqualTo(2);
    assertThat(during).allSatisfy(r -> assertThat(r.getStep()).isEqualTo("Verifying"));
    assertThat(during.subList(1, during.size()))
        .extracting(DownloadProgress::getBytesHashed)
        .isSorted()
        .allSatisfy(b -> assertThat(b).isPositive());
    assertThat(Instant.parse(during.get(during.size() - 1).getProgressedAt()))
        .isAfter(Instant.parse(during.get(0).getProgressedAt()));
  }

  private static Progress.Snapshot snapshot(long received, long hashed, int filesDone) {
    return new Progress.Snapshot(
        received, 10 * received + 1, filesDone, 2, received, Optional.empty(), hashed, hashed > 0);
  }

  @Test
  void percentIsRoundedDownSoThatOnlyEveryByteIsAHundred() {
    var almost = new Progress.Snapshot(999, 1000, 0, 1, 0, Optional.empty());
    assertThat(almost.percent()).isEqualTo(99);
    assertThat(new Progress.Snapshot(0, 0, 0, 0, 0, Optional.empty()).percent()).isEqualTo(100);
  }

  @Test
  void theRateIsAMovingAverageOverTheWindow() {
    RateMeter meter = new RateMeter(Duration.ofSeconds(10));
    long second = 1_000_000_000L;

    assertThat(meter.sample(0, 0)).isZero();
    assertThat(meter.sample(second, 10 * MIB)).isEqualTo(10 * MIB);
    for (int s = 2; s <= 10; s++) {
      meter.sample(s * second, 10 * MIB * s);
    }
    // Nothing more for 5 seconds: half of the last 10 seconds had no bytes.
    assertThat(meter.sample(15 * second, 100 * MIB)).isEqualTo(5 * MIB);
    assertThat(meter.sample(26 * second, 100 * MIB)).isZero();
  }
}
