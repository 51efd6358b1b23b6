package dev.llmfleet.cli;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.Units;
import java.util.ArrayList;
import java.util.List;

/**
 * A Download's progress and result as single lines: watch without a terminal, and the end of every
 * watch.
 */
final class ProgressLines {

  private ProgressLines() {}

  static DownloadPhase phase(Download download) {
    return download.getStatus() == null || download.getStatus().getPhase() == null
        ? DownloadPhase.Pending
        : download.getStatus().getPhase();
  }

  static boolean finished(Download download) {
    return phase(download) == DownloadPhase.Succeeded || phase(download) == DownloadPhase.Failed;
  }

  static DownloadProgress progress(Download download) {
    return download.getStatus() == null ? null : download.getStatus().getProgress();
  }

  /**
   * "qwen2-5-7b Downloading 42% 6.0 GiB / 14.2 GiB 100.0 MiB/s ETA 1m28s files 3/14
   * model-00002.safetensors": what changed since the last line is what a CI log needs, so watch
   * prints one only when this text changes.
   */
  static String line(Download download) {
    List<String> parts = new ArrayList<>();
    parts.add(download.getMetadata().getName());
    parts.add(phase(download).name());
    DownloadProgress progress = progress(download);
    if (progress != null && progress.getBytesTotal() != null) {
      parts.add((progress.getPercent() == null ? 0 : progress.getPercent()) + "%");
      parts.add(
          Units.bytes(orZero(progress.getBytesDone()))
              + " / "
              + Units.bytes(progress.getBytesTotal()));
      if (!finished(download) && progress.getBytesPerSecond() != null) {
        parts.add(Units.rate(progress.getBytesPerSecond()));
      }
      if (!finished(download) && progress.getEtaSeconds() != null) {
        parts.add("ETA " + Units.duration(progress.getEtaSeconds()));
      }
      if (progress.getFilesTotal() != null) {
        parts.add("files " + orZero(progress.getFilesDone()) + "/" + progress.getFilesTotal());
      }
      if (Boolean.TRUE.equals(progress.getVerified())) {
        parts.add("verified");
      } else if (!finished(download) && progress.getCurrentFile() != null) {
        parts.add(progress.getCurrentFile());
      }
    }
    return String.join("  ", parts);
  }

  /**
   * The last word on a Download: "Download x Succeeded: ..." or "Download x Failed: reason:
   * message".
   */
  static String result(Download download) {
    String name = "Download " + download.getMetadata().getName();
    if (phase(download) == DownloadPhase.Succeeded) {
      DownloadProgress progress = progress(download);
      return name
          + " Succeeded: "
          + (progress == null || progress.getBytesTotal() == null
              ? "verified"
              : files(progress.getFilesTotal())
                  + ", "
                  + Units.bytes(progress.getBytesTotal())
                  + ", verified");
    }
    String why =
        Conditions.find(
                download.getStatus() == null ? null : download.getStatus().getConditions(),
                Conditions.STALLED)
            .map(c -> c.getReason() + ": " + c.getMessage())
            .orElse("");
    return name
        + " "
        + phase(download)
        + (why.isEmpty() ? "" : ": " + why)
        + " (kubectl llmfleet why dl/"
        + download.getMetadata().getName()
        + ")";
  }

  private static String files(Integer files) {
    return files == null ? "" : files == 1 ? "1 file" : files + " files";
  }

  private static long orZero(Number value) {
    return value == null ? 0 : value.longValue();
  }
}
