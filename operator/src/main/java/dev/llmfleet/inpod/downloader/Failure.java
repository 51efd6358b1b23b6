package dev.llmfleet.inpod.downloader;

import dev.llmfleet.api.v1alpha1.DownloadFailure;
import dev.llmfleet.common.Urls;

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
  static final String INVALID_SOURCE = DownloadFailure.INVALID_SOURCE;

  /**
   * Longer messages are cut: a status patch must stay small whatever a server or a listing sent.
   */
  static final int MAX_MESSAGE = 2048;

  private final String reason;

  Failure(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }

  DownloadFailure toStatus() {
    return DownloadFailure.builder().reason(reason).message(shown()).build();
  }

  /**
   * The message as it may be shown anywhere: printable, bounded, and with any URL in it redacted.
   */
  String shown() {
    return printable(Urls.redactAll(getMessage()), MAX_MESSAGE);
  }

  /**
   * Text from remote input (file names, headers) as it may be shown: control characters such as NUL
   * as {@code \u0000}, and at most {@code max} characters.
   */
  static String printable(String text, int max) {
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < text.length() && shown.length() <= max; i++) {
      char c = text.charAt(i);
      shown.append(
          Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return shown.length() <= max ? shown.toString() : shown.substring(0, max - 3) + "...";
  }
}
