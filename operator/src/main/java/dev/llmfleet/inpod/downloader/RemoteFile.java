package dev.llmfleet.inpod.downloader;

import dev.llmfleet.common.Units;
import java.net.URI;
import java.util.Optional;

/**
 * One file to fetch.
 *
 * @param path where it goes, relative to the Download's folder (a repository path or a URL's last
 *     segment)
 * @param size its size in bytes, known before any byte is fetched
 * @param url where its bytes are
 * @param checksum how it is verified; empty for an HTTP file without a given sha256
 * @param validator the HTTP server's strong ETag, else its Last-Modified: what {@code If-Range}
 *     sends to resume
 * @param commit the Hub commit the file belongs to
 */
record RemoteFile(
    String path,
    long size,
    URI url,
    Optional<Checksum> checksum,
    Optional<String> validator,
    Optional<String> commit) {

  RemoteFile(String path, long size, URI url, Optional<Checksum> checksum) {
    this(path, size, url, checksum, Optional.empty(), Optional.empty());
  }

  /**
   * The largest file size believed: far above any model file, and small enough that the sizes of
   * {@link HubListing#MAX_FILES} files add up without overflow.
   */
  static final long MAX_BYTES = 1L << 46;

  /** Why a size that a listing or a header announced cannot be a file's, or empty when it can. */
  static Optional<String> sizeProblem(long size) {
    if (size < 0) {
      return Optional.of("a size cannot be negative");
    }
    return size > MAX_BYTES
        ? Optional.of(
            "more than " + Units.bytes(MAX_BYTES) + ", larger than any file the downloader takes")
        : Optional.empty();
  }
}
