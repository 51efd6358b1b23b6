package dev.llmfleet.cli;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.common.Units;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Live bars in a terminal, two per Download: its bytes (with the downloader's rate and ETA) and its
 * files (the file being fetched, then verified). Drawn and redrawn by the progressbar library,
 * which moves the cursor to keep several bars in place.
 */
final class DownloadBars implements AutoCloseable {

  private static final long MIB = 1 << 20;
  private static final long KIB = 1 << 10;
  private static final int REDRAW_MILLIS = 500;

  private final Map<String, Bars> bars = new LinkedHashMap<>();
  private final int nameWidth;

  DownloadBars(List<Download> first) {
    nameWidth = first.stream().mapToInt(d -> key(d).length()).max().orElse(8);
  }

  void update(List<Download> downloads) {
    downloads.forEach(
        download -> bars.computeIfAbsent(key(download), k -> new Bars(download)).update(download));
  }

  @Override
  public void close() {
    bars.values().forEach(Bars::close);
  }

  /** namespace/name under -A would be long; the name is what people look for. */
  private static String key(Download download) {
    return download.getMetadata().getName();
  }

  private final class Bars {

    private final AtomicReference<DownloadProgress> latest = new AtomicReference<>();
    private final ProgressBar bytes;
    private final ProgressBar files;
    private boolean closed;

    Bars(Download download) {
      DownloadProgress progress = ProgressLines.progress(download);
      long total =
          progress == null || progress.getBytesTotal() == null ? 0 : progress.getBytesTotal();
      bytes =
          new ProgressBarBuilder()
              .setTaskName(pad(key(download)))
              .setInitialMax(total > 0 ? total : -1)
              .setStyle(ProgressBarStyle.UNICODE_BLOCK)
              .setUnit(total >= 64 * MIB ? " MiB" : " KiB", total >= 64 * MIB ? MIB : KIB)
              // The downloader's own estimate, from its rate over the last seconds, not one from
              // when watch started.
              .setEtaFunction(
                  state ->
                      Optional.ofNullable(latest.get())
                          .map(DownloadProgress::getEtaSeconds)
                          .map(Duration::ofSeconds))
              .setUpdateIntervalMillis(REDRAW_MILLIS)
              .continuousUpdate()
              .build();
      files =
          new ProgressBarBuilder()
              .setTaskName(pad("  files"))
              .setInitialMax(-1)
              .setStyle(ProgressBarStyle.UNICODE_BLOCK)
              .hideEta()
              .setUpdateIntervalMillis(REDRAW_MILLIS)
              .build();
    }

    void update(Download download) {
      if (closed) {
        return;
      }
      DownloadProgress progress = ProgressLines.progress(download);
      latest.set(progress);
      boolean finished = ProgressLines.finished(download);
      String phase = ProgressLines.phase(download).name();
      if (progress != null && progress.getBytesTotal() != null) {
        bytes.maxHint(progress.getBytesTotal());
        bytes.stepTo(progress.getBytesDone() == null ? 0 : progress.getBytesDone());
      }
      bytes.setExtraMessage(
          phase
              + (!finished && progress != null && progress.getBytesPerSecond() != null
                  ? "  " + Units.rate(progress.getBytesPerSecond())
                  : ""));
      if (progress != null && progress.getFilesTotal() != null) {
        files.maxHint(progress.getFilesTotal());
        files.stepTo(progress.getFilesDone() == null ? 0 : progress.getFilesDone());
      }
      boolean verified = progress != null && Boolean.TRUE.equals(progress.getVerified());
      files.setExtraMessage(
          verified
              ? "verified"
              : progress == null || progress.getCurrentFile() == null
                  ? ""
                  : progress.getCurrentFile());
      if (finished) {
        close();
      }
    }

    void close() {
      if (!closed) {
        closed = true;
        bytes.close();
        files.close();
      }
    }
  }

  private String pad(String text) {
    return String.format("%-" + nameWidth + "s", text);
  }
}
