package dev.llmfleet.downloader;

import dev.llmfleet.api.v1alpha1.DownloadFailure;

/**
 * Why a download gave up, as reported in {@code status.progress.failure}. Transient trouble
 * (resets, timeouts, 5xx) is an IOException and retried; a Failure ends the run.
 */
final class Failure extends Exception {

  static final String CHECKSUM_MISMATCH = DownloadFailure.CHECKSUM_MISMATCH;
  static final String INSUFFICIENT_STORAGE = DownloadFailure.INSUFFICIENT_STORAGE;
  static final String TRANSFER_FAILED = DownloadFailure.TRANSFER_FAILED;
  static final String SOURCE_NOT_FOUND = DownloadFailure.SOURCE_NOT_FOUND;
  static final String UNAUTHORIZED = DownloadFailure.UNAUTHORIZED;
  static final String UNSAFE_PATH = DownloadFailure.UNSAFE_PATH;
  static final String TLS_UNTRUSTED = DownloadFailure.TLS_UNTRUSTED;

  private final String reason;

  Failure(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }

  DownloadFailure toStatus() {
    return DownloadFailure.builder().reason(reason).message(getMessage()).build();
  }
}
