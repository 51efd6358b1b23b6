package dev.llmfleet.downloader;

import dev.llmfleet.api.v1alpha1.DownloadFailure;

/**
 * Why a download gave up, as reported in {@code status.progress.failure}. Transient trouble
 * (resets, timeouts, 5xx) is an IOException and retried; a Failure ends the run.
 */
final class Failure extends Exception {

  static final String CHECKSUM_MISMATCH = "ChecksumMismatch";
  static final String INSUFFICIENT_STORAGE = "InsufficientStorage";
  static final String TRANSFER_FAILED = "TransferFailed";
  static final String SOURCE_NOT_FOUND = "SourceNotFound";
  static final String UNAUTHORIZED = "Unauthorized";
  static final String UNSAFE_PATH = "UnsafePath";

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
