package dev.llmfleet.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches one file into its {@code .part}, resuming from the bytes already there, verifies it and
 * renames it into place. Memory stays flat whatever the file size: bytes stream through one
 * buffer into the file and the hash.
 */
final class FileFetcher {

  /**
   * The most bytes read from the network before they are written, so also the most a kill -9 can
   * lose: what the server sent but the file did not get yet is fetched again by the next run.
   */
  static final int BUFFER_BYTES = 256 * 1024;

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

  private final Http http;
  private final Retry retry;
  private final Progress progress;

  FileFetcher(Http http, Retry retry, Progress progress) {
    this.http = http;
    this.retry = retry;
    this.progress = progress;
  }

  /** A file in place and how it was checked. */
  record Fetched(LocalFile file, Optional<Checksum> checkedWith) {}

  Fetched fetch(LocalFile file) throws Failure, InterruptedException {
    RemoteFile remote = file.remote();
    byte[] buffer = new byte[BUFFER_BYTES];
    try (PartFile part = PartFile.open(file.part(), remote.size(), remote.checksum(), buffer)) {
      // The part may have changed since it was inspected (truncated because it was too long).
      progress.discarded(file.onDisk() - part.length());
      int failures = 0;
      while (part.length() < remote.size()) {
        long before = part.length();
        try {
          receive(remote, part, buffer);
        } catch (IOException e) {
          // Failures count in a row: an attempt that brought bytes starts a new series.
          failures = part.length() > before ? 1 : failures + 1;
          retry.afterFailure(remote.path(), failures, e);
        }
      }
      verify(remote, part);
      part.commit(file.target());
      progress.verified();
      return new Fetched(file, remote.checksum());
    }
  }

  private void receive(RemoteFile remote, PartFile part, byte[] buffer)
      throws IOException, Failure, InterruptedException {
    long from = part.length();
    try (Http.Response response = http.get(remote.url(), from)) {
      if (response.status() == 416) {
        // The server has fewer bytes than the part holds: only starting over can help.
        restart(part);
        throw new IOException(response.describe() + " for bytes " + from + "-; starting over");
      }
      response.requireSuccess();
      long total = response.contentLength();
      if (response.status() == 206) {
        Matcher range = contentRange(response);
        String header = "Content-Range: " + range.group();
        if (number(response, remote, header, range.group(1)) != from) {
          response.abandon();
          throw new IOException(response.describe() + " with " + range.group() + " for bytes "
              + from + "-");
        }
        number(response, remote, header, range.group(2));
        total = "*".equals(range.group(3)) ? -1 : number(response, remote, header, range.group(3));
      } else if (from > 0) {
        // A 200 to a Range request is the whole file again.
        restart(part);
      }
      if (total >= 0 && total != remote.size()) {
        response.abandon();
        throw new Failure(Failure.TRANSFER_FAILED, remote.path() + " has " + total
            + " bytes at the source but " + remote.size() + " were expected; it changed");
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

  private static long number(Http.Response response, RemoteFile remote, String header, String digits)
      throws Failure {
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

  /** A mismatch deletes the part: its bytes are wrong somewhere, so resuming it cannot help. */
  private void verify(RemoteFile remote, PartFile part) throws Failure, InterruptedException {
    Optional<String> actual = part.hash();
    Optional<Checksum> expected = remote.checksum();
    if (expected.isEmpty() || actual.isEmpty() || expected.get().matches(actual.get())) {
      return;
    }
    part.delete();
    progress.discarded(remote.size());
    throw new Failure(Failure.CHECKSUM_MISMATCH, remote.path() + ": expected "
        + expected.get().algorithm().label + " " + expected.get().expected() + ", got "
        + actual.get());
  }
}
