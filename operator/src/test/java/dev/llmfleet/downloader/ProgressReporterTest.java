package dev.llmfleet.downloader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.DownloadProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

  private static final long MIB = 1024 * 1024;
  private static final Progress.Snapshot HALFWAY = new Progress.Snapshot(6_397_117_870L,
      15_231_233_024L, 3, 14, 1000, Optional.of("model-00002-of-00004.safetensors"));

  @Test
  void printsOneReadableLine() {
    assertThat(ProgressReporter.line(HALFWAY, 100 * MIB)).isEqualTo(
        "41% 6.0 GiB/14.2 GiB 3/14 files 100.0 MiB/s eta 1m25s model-00002-of-00004.safetensors");
  }

  @Test
  void withoutARateTheEtaIsUnknown() {
    assertThat(ProgressReporter.line(HALFWAY, 0)).contains("0 B/s eta --");
  }

  @Test
  void reportsEveryFieldOfTheProgress() {
    DownloadProgress status = ProgressReporter.status(HALFWAY, 100 * MIB, false, Optional.empty(),
        Optional.of("qwen-run-2"), Instant.parse("2026-11-27T10:00:00.734Z"));

    assertThat(status).isEqualTo(DownloadProgress.builder().bytesDone(6_397_117_870L)
        .bytesTotal(15_231_233_024L).percent(41).filesDone(3).filesTotal(14)
        .bytesPerSecond(100 * MIB).etaSeconds(85L).currentFile("model-00002-of-00004.safetensors")
        .updatedAt("2026-11-27T10:00:00Z").verified(false).run("qwen-run-2").build());
  }

  @Test
  void aFailureIsReportedWithItsReasonAndNoEta() {
    Failure failure = new Failure(Failure.CHECKSUM_MISMATCH, "a.bin: expected sha256 x, got y");

    DownloadProgress status = ProgressReporter.status(HALFWAY, 0, false, Optional.of(failure),
        Optional.empty(), Instant.EPOCH);

    assertThat(status.getFailure().getReason()).isEqualTo("ChecksumMismatch");
    assertThat(status.getFailure().getMessage()).isEqualTo("a.bin: expected sha256 x, got y");
    assertThat(status.getEtaSeconds()).isNull();
    assertThat(status.getRun()).isNull();
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
