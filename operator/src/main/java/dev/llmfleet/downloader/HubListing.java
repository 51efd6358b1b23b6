package dev.llmfleet.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Hub API's file listing of a model repository at a revision, {@code GET
 * {endpoint}/api/models/{repo}/revision/{revision}?blobs=true}: a {@code siblings} array of
 * {@code {rfilename, size, blobId, lfs: {sha256, size}}} and the commit {@code sha} the revision
 * points at.
 */
record HubListing(Optional<String> commit, List<Entry> entries) {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Entry(String path, long size, Optional<Checksum> checksum) {}

  static URI url(String endpoint, String repo, String revision) {
    return URI.create(join(endpoint, "api/models/" + repo + "/revision/" + encode(revision, false)
        + "?blobs=true"));
  }

  /**
   * {@code endpoint/path}, keeping the endpoint's own path: a mirror that serves the Hub API under
   * a prefix ({@code https://host/api/huggingface/hf-remote}) gets its listing and files below it.
   * Trailing slashes of the endpoint do not double.
   */
  static String join(String endpoint, String path) {
    return endpoint.replaceAll("/+$", "") + "/" + path;
  }

  static HubListing parse(String json) throws IOException {
    JsonNode root = JSON.readTree(json);
    List<Entry> entries = new ArrayList<>();
    for (JsonNode sibling : root.path("siblings")) {
      String path = sibling.path("rfilename").asText(null);
      JsonNode lfs = sibling.path("lfs");
      JsonNode size = lfs.has("size") ? lfs.get("size") : sibling.get("size");
      if (path == null || size == null || !size.canConvertToLong()) {
        throw new IOException("the Hub listing has a file without name or size: " + sibling);
      }
      // An LFS file's blobId is the hash of its pointer, not of the content: use its sha256.
      Optional<Checksum> checksum = lfs.hasNonNull("sha256")
          ? Optional.of(Checksum.sha256(lfs.get("sha256").asText()))
          : Optional.ofNullable(sibling.path("blobId").asText(null)).map(Checksum::gitBlob);
      entries.add(new Entry(path, size.asLong(), checksum));
    }
    return new HubListing(Optional.ofNullable(root.path("sha").asText(null)), entries);
  }

  /**
   * The files selected by include/exclude, fetched from the listing's commit rather than the
   * revision asked for, so that a branch that moves during a long download cannot mix files of
   * two commits.
   */
  List<RemoteFile> select(String endpoint, String repo, String revision, List<String> include,
      List<String> exclude) {
    String ref = encode(commit.orElse(revision), false);
    return entries.stream()
        .filter(e -> Glob.selects(include, exclude, e.path()))
        .map(e -> new RemoteFile(e.path(), e.size(),
            URI.create(join(endpoint, repo + "/resolve/" + ref + "/" + encode(e.path(), true))),
            e.checksum()))
        .toList();
  }

  /** Percent-encoding as huggingface_hub's quote(): unreserved characters stay, and "/" if kept. */
  static String encode(String text, boolean keepSlash) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
      if (unreserved || (keepSlash && c == '/')) {
        out.write(b);
      } else {
        out.writeBytes(String.format("%%%02X", b & 0xff).getBytes(StandardCharsets.US_ASCII));
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }
}
