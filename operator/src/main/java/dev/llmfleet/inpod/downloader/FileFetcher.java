package dev.llmfleet.inpod.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one file into its {@code .part}, resuming from the bytes already there, verifies it and
 * renames it into place. Memory stays flat whatever the file size: bytes stream through one buffer
 * into the file and the hash.
 */
final class FileFetcher {

  /**
   * The most bytes read from the network before they are written, so also the most a kill -9 can
   * lose: what the server sent but the file did not get yet is fetched again by the next run.
   */
  static final int BUFFER_BYTES = 256 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(FileFetcher.class);

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

  private final Http http;
  private final Retry retry;
  private final Progress progress;
  private final Manifest manifest;

  FileFetcher(Http http, Retry retry, Progress progress) {
    this(http, retry, progress, Manifest.empty());
  }

  FileFetcher(Http http, Retry retry, Progress progress, Manifest manifest) {
    this.http = http;
    this.retry = retry;
    this.progress = progress;
    this.manifest = manifest;
  }

  /** A file in place and how it was checked. */
  record Fetched(LocalFile file, Optional<Checksum> checkedWith) {}

  /**
   * Fetches the file. A part that was there before this run is resumed only when its bytes can be
   * trusted to be of this source: checked by hash at the end, or, without a hash, still the
   * server's same version ({@code If-Range} with the validator recorded when the part was started).
   * A resumed part that fails its hash is fetched once more from zero before the mismatch counts:
   * the earlier bytes may have come from another version.
   */
  Fetched fetch(LocalFile file) throws Failure, InterruptedException {
    RemoteFile remote = file.remote();
    byte[] buffer = new byte[BUFFER_BYTES];
    try (PartFile part = open(file, buffer)) {
      // The part may have changed since it was inspected (truncated because it was too long).
      progress.discarded(file.onDisk() - part.length());
      boolean resumed = part.length() > 0;
      if (resumed && remote.checksum().isEmpty() && !sameVersion(remote)) {
        restart(part);
        resumed = false;
      }
      while (true) {
        fill(remote, part, buffer);
        Optional<String> mismatch = mismatch(remote, part);
        if (mismatch.isEmpty()) {
          break;
        }
        if (!resumed) {
          part.delete();
          progress.discarded(remote.size());
          throw new Failure(Failure.CHECKSUM_MISMATCH, mismatch.get());
        }
        LOG.warn("{}; the part was resumed, so it is fetched once more from zero", mismatch.get());
        restart(part);
        resumed = false;
      }
      part.commit(file.target());
      manifest.verified(remote, file.target());
      progress.verified();
      return new Fetched(file, remote.checksum());
    }
  }

  /** Opens the part, hashing the bytes already in it as the run's Verifying step. */
  private PartFile open(LocalFile file, byte[] buffer) throws Failure, InterruptedException {
    RemoteFile remote = file.remote();
    progress.verifying();
    try {
      return PartFile.open(file.part(), remote.size(), remote.checksum(), buffer, progress::hashed);
    } finally {
      progress.verifyingDone();
    }
  }

  /**
   * Whether the part's bytes are of the version the server has now, by the validator recorded when
   * it started.
   */
  private boolean sameVersion(RemoteFile remote) {
    Optional<String> recorded = manifest.part(remote.path()).map(Manifest.PartRecord::validator);
    return recorded.isPresent() && recorded.equals(remote.validator());
  }

  private void fill(RemoteFile remote, PartFile part, byte[] buffer)
      throws Failure, InterruptedException {
    int failures = 0;
    while (part.length() < remote.size()) {
      if (part.length() == 0 && remote.checksum().isEmpty()) {
        manifest.partStarted(remote);
      }
      long before = part.length();
      try {
        receive(remote, part, buffer);
      } catch (IOException e) {
        // Failures count in a row: an attempt that brought bytes starts a new series.
        failures = part.length() > before ? 1 : failures + 1;
        retry.afterFailure(remote.path(), failures, e);
      }
    }
  }

  private void receive(RemoteFile remote, PartFile part, byte[] buffer)
      throws IOException, Failure, InterruptedException {
    long from = part.length();
    // Without a hash to check the whole at the end, only the server's validator says the bytes are
    // of one version.
    Optional<String> ifRange = remote.checksum().isEmpty() ? remote.validator() : Optional.empty();
    try (Http.Response response = http.get(remote.url(), from, ifRange)) {
      if (response.status() == 416) {
        // The server has fewer bytes than the part holds: only starting over can help.
        restart(part);
        throw new IOException(response.describe() + " for bytes " + from + "-; starting over");
      }
      response.requireSuccess();
      if (remote.checksum().isEmpty()
          && remote.validator().isPresent()
          && Sources.changed(remote.validator().get(), response)) {
        // Bytes of another version than the listed one, which a new run lists afresh.
        response.abandon();
        throw new Failure(
            Failure.TRANSFER_FAILED,
            remote.path()
                + " changed at the source during the download (it"
                + " was "
                + remote.validator().get()
                + " when listed); a new run fetches it");
      }
      long total = response.contentLength();
      if (response.status() == 206) {
        Matcher range = contentRange(response);
        String header = "Content-Range: " + range.group();
        if (number(response, remote, header, range.group(1)) != from) {
          response.abandon();
          throw new IOException(
              response.describe() + " with " + range.group() + " for bytes " + from + "-");
        }
        number(response, remote, header, range.group(2));
        total = "*".equals(range.group(3)) ? -1 : number(response, remote, header, range.group(3));
      } else if (from > 0) {
        // A 200 to a Range request is the whole file again (the server cannot resume, or If-Range
        // did not match).
        restart(part);
      }
      if (total >= 0 && total != remote.size()) {
        response.abandon();
        throw new Failure(
            Failure.TRANSFER_FAILED,
            remote.path()
                + " has "
                + total
                + " bytes at the source but "
                + remote.size()
                + " were expected; it changed");
      }
      copy(response, remote.size(), part, buffer);
    }
  }

  private void copy(Http.Response response, long size, PartFile part, byte[] buffer)
      throws IOException, Failure, InterruptedException {
    boolean complete = false;
    try {
      InputStream in = response.body();
      while (part.length() < size) {
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - part.length()));
        if (n < 0) {
          throw new IOException("the connection ended at byte " + part.length() + " of " + size);
        }
        part.append(buffer, n);
        progress.written(n);
      }
      complete = true;
    } finally {
      if (!complete) {
        response.abandon();
      }
    }
  }

  private void restart(PartFile part) throws Failure {
    progress.discarded(part.length());
    part.restart();
  }

  private static long number(
      Http.Response response, RemoteFile remote, String header, String digits) throws Failure {
    try {
      return Sources.number(remote.url(), header, digits);
    } catch (Failure e) {
      response.abandon();
      throw e;
    }
  }

  private static Matcher contentRange(Http.Response response) throws IOException {
    String header = response.header("Content-Range");
    Matcher matcher = CONTENT_RANGE.matcher(header == null ? "" : header.trim());
    if (!matcher.matches()) {
      response.abandon();
      throw new IOException(response.describe() + " with Content-Range \"" + header + "\"");
    }
    return matcher;
  }

  /**
   * What is wrong with the complete part's hash, or empty when it matches or there is none to
   * check.
   */
  private static Optional<String> mismatch(RemoteFile remote, PartFile part)
      throws InterruptedException {
    Optional<String> actual = part.hash();
    Optional<Checksum> expected = remote.checksum();
    if (expected.isEmpty() || actual.isEmpty() || expected.get().matches(actual.get())) {
      return Optional.empty();
    }
    return Optional.of(
        remote.path()
            + ": expected "
            + expected.get().algorithm().label
            + " "
            + expected.get().expected()
            + ", got "
            + actual.get());
  }
}
