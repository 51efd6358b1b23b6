package dev.llmfleet.e2e.support;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Writes a Download's status.progress exactly as the downloader does (server-side apply under its
 * field manager), for scenarios about what the operator does with reports rather than about
 * fetching bytes.
 */
public final class DownloaderReports {

  private DownloaderReports() {}

  public static void report(TestNamespace namespace, String download, DownloadProgress progress) {
    report(namespace, download, progress, null);
  }

  /**
   * A report with {@code status.model} (null for none), in the same apply as the progress, as the
   * downloader sends them: a later apply under this manager without the model removes it.
   */
  public static void report(
      TestNamespace namespace, String download, DownloadProgress progress, DownloadModel model) {
    progress.setUpdatedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    Download patch = new Download();
    patch.setMetadata(
        new ObjectMetaBuilder().withName(download).withNamespace(namespace.name()).build());
    patch.setStatus(DownloadStatus.builder().progress(progress).model(model).build());
    namespace
        .client()
        .resource(patch)
        .subresource("status")
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager("llmfleet-downloader")
                .withForce(true)
                .build());
  }

  /** The report of a run that fetched and verified everything. */
  public static void verified(TestNamespace namespace, String download, String run) {
    report(
        namespace,
        download,
        DownloadProgress.builder()
            .run(run)
            .bytesDone(4096L)
            .bytesTotal(4096L)
            .percent(100)
            .filesDone(1)
            .filesTotal(1)
            .verified(true)
            .build());
  }

  /**
   * The last report of a run that fetched and verified {@code bytes} of weights and read what they
   * hold.
   */
  public static void verified(
      TestNamespace namespace, String download, String run, long bytes, DownloadModel model) {
    report(
        namespace,
        download,
        DownloadProgress.builder()
            .run(run)
            .bytesDone(bytes)
            .bytesTotal(bytes)
            .percent(100)
            .filesDone(1)
            .filesTotal(1)
            .verified(true)
            .build(),
        model);
  }
}
