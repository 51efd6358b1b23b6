package dev.llmfleet.inpod.downloader;

import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import java.util.Optional;

/** Where progress reports go: the Download's status, or a list in tests. */
interface StatusSink {

  /**
   * Writes a report; throws a RuntimeException when it could not.
   *
   * @param model what the files hold: only in the last report of a verified run, and only for a
   *     model
   */
  void report(DownloadProgress progress, Optional<DownloadModel> model);
}
