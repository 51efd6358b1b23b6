package dev.llmfleet.inpod.downloader;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmfleet.common.Errors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the downloader knows about the files in a Download's folder, kept beside them in {@value
 * #NAME}: for each verified file its size, hash, source (commit, or URL and ETag / Last-Modified)
 * and when it was verified; for each {@code .part} the validator of the server's bytes it holds. A
 * file on disk counts as complete only when this says it came from the same source, so a folder
 * reused for another commit or URL cannot keep stale bytes.
 *
 * <p>A journal of JSON lines, one record per line, appended as files are verified (a rewrite per
 * file would cost O(files²) for repositories of thousands of small files) and compacted when a run
 * starts; a line cut by a kill is ignored, which costs at most that file's re-verification.
 */
final class Manifest implements AutoCloseable {

  static final String NAME = ".llmfleet-manifest.jsonl";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /**
   * A verified file.
   *
   * @param hash {@code sha256:<hex>} or {@code gitBlobSha1:<hex>}; null for an HTTP file without a
   *     given sha256
   * @param url the HTTP source's URL without userinfo and query (presigned URLs change, the object
   *     does not)
   * @param validator the HTTP server's ETag, else its Last-Modified, when the file was fetched
   * @param commit the Hub commit of the listing it was fetched for
   * @param modified the file's modification time after its rename (epoch ms): a file changed since
   *     is re-verified
   */
  record FileRecord(
      String path,
      long size,
      String hash,
      String url,
      String validator,
      String commit,
      String verifiedAt,
      long modified) {}

  /** A part file's origin: the validator of the server's bytes in it, for {@code If-Range}. */
  record PartRecord(String path, String validator) {}

  /** One journal line: exactly one of its fields is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Line(FileRecord file, PartRecord part) {}

  private final Optional<Path> path;
  private final Map<String, FileRecord> files;
  private final Map<String, PartRecord> parts;
  private FileChannel journal;

  private Manifest(
      Optional<Path> path, Map<String, FileRecord> files, Map<String, PartRecord> parts) {
    this.path = path;
    this.files = files;
    this.parts = parts;
  }

  /** A manifest that knows nothing and keeps nothing: every file on disk is of unknown origin. */
  static Manifest empty() {
    return new Manifest(Optional.empty(), new LinkedHashMap<>(), new LinkedHashMap<>());
  }

  /** Reads the folder's manifest, rewrites it compacted, and opens it for appending. */
  static Manifest open(Path folder) throws Failure {
    Path file = folder.resolve(NAME);
    Map<String, FileRecord> files = new LinkedHashMap<>();
    Map<String, PartRecord> parts = new LinkedHashMap<>();
    try {
      Files.createDirectories(folder);
      if (Files.isRegularFile(file)) {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
          lines.forEach(text -> read(text, files, parts));
        }
      }
      Manifest manifest = new Manifest(Optional.of(file), files, parts);
      manifest.compact();
      return manifest;
    } catch (IOException | RuntimeException e) {
      throw new Failure(
          Failure.TRANSFER_FAILED,
          "cannot read or write the manifest " + file + ": " + Errors.describe(e));
    }
  }

  private static void read(
      String text, Map<String, FileRecord> files, Map<String, PartRecord> parts) {
    try {
      Line line = JSON.readValue(text, Line.class);
      if (line.file() != null && line.file().path() != null) {
        files.put(line.file().path(), line.file());
        parts.remove(line.file().path());
      } else if (line.part() != null && line.part().path() != null) {
        parts.put(line.part().path(), line.part());
      }
    } catch (IOException e) {
      // A line cut by a kill: what it recorded is re-verified.
    }
  }

  private void compact() throws IOException {
    Path file = path.orElseThrow();
    Path next = file.resolveSibling(NAME + ".next");
    StringBuilder text = new StringBuilder();
    for (FileRecord record : files.values()) {
      text.append(JSON.writeValueAsString(new Line(record, null))).append('\n');
    }
    for (PartRecord record : parts.values()) {
      text.append(JSON.writeValueAsString(new Line(null, record))).append('\n');
    }
    Files.writeString(next, text, StandardCharsets.UTF_8);
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    journal = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  synchronized Optional<FileRecord> file(String path) {
    return Optional.ofNullable(files.get(path));
  }

  synchronized Optional<PartRecord> part(String path) {
    return Optional.ofNullable(parts.get(path));
  }

  /**
   * Whether a file on disk with this modification time is the remote file, by an earlier
   * verification.
   */
  synchronized boolean holds(RemoteFile remote, long modified) {
    FileRecord record = files.get(remote.path());
    return record != null && record.modified() == modified && sameSource(record, remote);
  }

  /** Whether the manifest knows the file at this path to be another one than {@code remote}. */
  synchronized boolean knowsOther(RemoteFile remote, long modified) {
    FileRecord record = files.get(remote.path());
    return record != null && record.modified() == modified && !sameSource(record, remote);
  }

  /**
   * The same bytes: by hash when the source gives one (a file unchanged between two commits stays),
   * else by the URL and the server's validator (both absent: nothing better is known).
   */
  static boolean sameSource(FileRecord record, RemoteFile remote) {
    if (record.size() != remote.size()) {
      return false;
    }
    if (remote.checksum().isPresent()) {
      return hash(remote.checksum().get()).equals(record.hash());
    }
    return Http.show(remote.url()).equals(record.url())
        && remote.validator().orElse("").equals(Optional.ofNullable(record.validator()).orElse(""));
  }

  static String hash(Checksum checksum) {
    return (checksum.algorithm() == Checksum.Algorithm.SHA256 ? "sha256:" : "gitBlobSha1:")
        + checksum.expected();
  }

  /** Records a file renamed into place after verification. */
  synchronized void verified(RemoteFile remote, Path target) throws Failure {
    long modified;
    try {
      modified = Files.getLastModifiedTime(target).toMillis();
    } catch (IOException e) {
      throw new Failure(
          Failure.TRANSFER_FAILED, "cannot read " + target + ": " + Errors.describe(e));
    }
    FileRecord record =
        new FileRecord(
            remote.path(),
            remote.size(),
            remote.checksum().map(Manifest::hash).orElse(null),
            remote.checksum().isPresent() ? null : Http.show(remote.url()),
            remote.validator().orElse(null),
            remote.commit().orElse(null),
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            modified);
    files.put(remote.path(), record);
    parts.remove(remote.path());
    append(new Line(record, null));
  }

  /** Records the validator of the bytes a part file is being filled with, from its first byte. */
  synchronized void partStarted(RemoteFile remote) throws Failure {
    PartRecord record = new PartRecord(remote.path(), remote.validator().orElse(null));
    parts.put(remote.path(), record);
    append(new Line(null, record));
  }

  private void append(Line line) throws Failure {
    if (journal == null) {
      return;
    }
    try {
      ByteBuffer bytes =
          ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        journal.write(bytes);
      }
      journal.force(false);
    } catch (IOException e) {
      throw new Failure(
          Failure.TRANSFER_FAILED,
          "cannot write the manifest " + path.orElseThrow() + ": " + Errors.describe(e));
    }
  }

  /** The records, for tests and for people: verified files by path. */
  synchronized List<FileRecord> files() {
    return List.copyOf(files.values());
  }

  @Override
  public synchronized void close() {
    if (journal != null) {
      try {
        journal.close();
      } catch (IOException e) {
        // Every record was forced to disk when it was written.
      }
    }
  }
}
