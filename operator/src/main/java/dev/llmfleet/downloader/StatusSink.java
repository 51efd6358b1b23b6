package dev.llmfleet.downloader;

import dev.llmfleet.api.v1alpha1.DownloadProgress;

/** Where progress reports go: the Download's status, or a list in tests. */
interface StatusSink {

  /** Writes a report; throws a RuntimeException when it could not. */
  void report(DownloadProgress progress);
}
