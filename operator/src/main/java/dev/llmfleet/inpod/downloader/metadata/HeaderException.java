package dev.llmfleet.inpod.downloader.metadata;

/** A weights file or config.json whose header is not what its format says. */
public final class HeaderException extends Exception {

  public HeaderException(String message) {
    super(message);
  }
}
