package dev.llmfleet.inpod.downloader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The Hub API's file listing of a model repository at a revision, {@code GET
 * {endpoint}/api/models/{repo}/revision/{revision}?blobs=true}: a {@code siblings} array of {@code
 * {rfilename, size, blobId, lfs: {sha256, size}}} and the commit {@code sha} the revision points
 * at.
 *
 * <p>The listing is streamed, keeping only the entries selected: a repository with hundreds of
 * thousands of files lists more JSON than the download pod's 24 MiB heap holds.
 *
 * @param listed how many files the listing names, selected or not
 * @param entries the selected files, in listing order
 */
record HubListing(Optional<String> commit, int listed, List<Entry> entries) {

  /**
   * The most files one Download may select: each costs the small heap some hundred bytes while it
   * runs.
   */
  static final int MAX_FILES = 10_000;

  /**
   * Far above any real file name or hash; a longer string is no Hub listing and must not fill the
   * heap.
   */
  private static final int MAX_STRING = 64 * 1024;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(MAX_STRING)
                  .maxNestingDepth(64)
                  .build())
          .build();

  record Entry(String path, long size, Optional<Checksum> checksum) {}

  /** A listing that is not what the Hub API returns; retrying cannot change it. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  static URI url(String endpoint, String repo, String revision) {
    return URI.create(
        join(
            endpoint,
            "api/models/" + repo + "/revision/" + encode(revision, false) + "?blobs=true"));
  }

  /**
   * {@code endpoint/path}, keeping the endpoint's own path: a mirror that serves the Hub API under
   * a prefix ({@code https://host/api/huggingface/hf-remote}) gets its listing and files below it.
   * Trailing slashes of the endpoint do not double.
   */
  static String join(String endpoint, String path) {
    return endpoint.replaceAll("/+$", "") + "/" + path;
  }

  /** Every entry of a listing held in memory (tests, small listings). */
  static HubListing parse(String json) throws IOException, Malformed {
    return parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), path -> true);
  }

  /**
   * Reads a listing as it arrives, keeping the entries whose path {@code selected} accepts.
   *
   * @throws IOException when reading fails (the connection), to be retried
   * @throws Malformed when the bytes are no listing, or a listing the downloader cannot take
   */
  static HubListing parse(InputStream json, Predicate<String> selected)
      throws IOException, Malformed {
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new Malformed("it is not a JSON object");
      }
      Optional<String> commit = Optional.empty();
      List<Entry> entries = new ArrayList<>();
      int listed = 0;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("sha") && value == JsonToken.VALUE_STRING) {
          commit = Optional.of(parser.getText());
        } else if (field.equals("siblings") && value == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            listed++;
            Entry entry = entry(parser);
            if (selected.test(entry.path())) {
              if (entries.size() == MAX_FILES) {
                throw new Malformed(
                    "it selects more than "
                        + MAX_FILES
                        + " files, more than one Download can hold;"
                        + " narrow spec.source.huggingFace.include or exclude, or split it into several Downloads");
              }
              entries.add(entry);
            }
          }
        } else {
          parser.skipChildren();
        }
      }
      return new HubListing(commit, listed, entries);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Malformed("it is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * One sibling, the parser on its START_OBJECT; fields the downloader does not use are skipped
   * unread.
   */
  private static Entry entry(JsonParser parser) throws IOException, Malformed {
    String path = null;
    Long size = null;
    Long lfsSize = null;
    String blobId = null;
    String sha256 = null;
    String badSize = null;
    String badLfsSize = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "rfilename" -> path = value == JsonToken.VALUE_STRING ? parser.getText() : null;
        case "blobId" -> blobId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
        case "size" -> {
          String text = parser.getText();
          size = longValue(parser, value);
          badSize = size == null ? text : null;
        }
        case "lfs" -> {
          if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            break;
          }
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String lfsField = parser.currentName();
            JsonToken lfsValue = parser.nextToken();
            if (lfsField.equals("sha256") && lfsValue == JsonToken.VALUE_STRING) {
              sha256 = parser.getText();
            } else if (lfsField.equals("size")) {
              String text = parser.getText();
              lfsSize = longValue(parser, lfsValue);
              badLfsSize = lfsSize == null ? text : null;
            } else {
              parser.skipChildren();
            }
          }
        }
        default -> parser.skipChildren();
      }
    }
    if (path == null) {
      throw new Malformed("a file has no rfilename");
    }
    String shown = "\"" + Failure.printable(path, 300) + "\"";
    // An LFS file's own size is that of its pointer; its content's size is in lfs.size.
    String badContentSize = badLfsSize != null ? badLfsSize : lfsSize != null ? null : badSize;
    if (badContentSize != null) {
      throw new Malformed(
          "the size of " + shown + " is " + badContentSize + ", not a whole number of bytes");
    }
    Long contentSize = lfsSize != null ? lfsSize : size;
    if (contentSize == null) {
      throw new Malformed(shown + " has no size");
    }
    Optional<String> sizeProblem = RemoteFile.sizeProblem(contentSize);
    if (sizeProblem.isPresent()) {
      throw new Malformed(
          "the size of " + shown + " is " + contentSize + " bytes: " + sizeProblem.get());
    }
    // An LFS file's blobId is the hash of its pointer, not of the content: use its sha256.
    Optional<Checksum> checksum =
        sha256 != null
            ? Optional.of(Checksum.sha256(sha256))
            : Optional.ofNullable(blobId).map(Checksum::gitBlob);
    return new Entry(path, contentSize, checksum);
  }

  /** A JSON integer that fits in a long, else null (the token stays current for the message). */
  private static Long longValue(JsonParser parser, JsonToken value) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      parser.skipChildren();
      return null;
    }
    JsonParser.NumberType type = parser.getNumberType();
    return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG
        ? parser.getLongValue()
        : null;
  }

  /**
   * The selected files, fetched from the listing's commit rather than the revision asked for, so
   * that a branch that moves during a long download cannot mix files of two commits.
   */
  List<RemoteFile> files(String endpoint, String repo, String revision) {
    String ref = encode(commit.orElse(revision), false);
    return entries.stream()
        .map(
            e ->
                new RemoteFile(
                    e.path(),
                    e.size(),
                    URI.create(
                        join(endpoint, repo + "/resolve/" + ref + "/" + encode(e.path(), true))),
                    e.checksum(),
                    Optional.empty(),
                    commit))
        .toList();
  }

  /**
   * The files selected by include/exclude (globs as huggingface_hub's allow_patterns), as {@link
   * #files}; for listings parsed whole.
   */
  List<RemoteFile> select(
      String endpoint, String repo, String revision, List<String> include, List<String> exclude) {
    return new HubListing(
            commit,
            listed,
            entries.stream().filter(e -> Glob.selects(include, exclude, e.path())).toList())
        .files(endpoint, repo, revision);
  }

  /** Percent-encoding as huggingface_hub's quote(): unreserved characters stay, and "/" if kept. */
  static String encode(String text, boolean keepSlash) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~';
      if (unreserved || (keepSlash && c == '/')) {
        out.write(b);
      } else {
        out.writeBytes(String.format("%%%02X", b & 0xff).getBytes(StandardCharsets.US_ASCII));
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }
}
