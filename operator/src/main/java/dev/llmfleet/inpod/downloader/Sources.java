package dev.llmfleet.inpod.downloader;

import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.HuggingFaceSource;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a Download's source into the files to fetch, with their sizes and checksums. */
final class Sources {

  private static final Pattern RANGE_TOTAL = Pattern.compile("bytes \\d+-\\d+/(\\d+)");

  private final Http http;
  private final Retry retry;

  Sources(Http http, Retry retry) {
    this.http = http;
    this.retry = retry;
  }

  List<RemoteFile> list(DownloadSource source, String endpoint, boolean tokenSet)
      throws Failure, InterruptedException {
    return source.getHuggingFace() != null
        ? hub(source.getHuggingFace(), endpoint, tokenSet)
        : List.of(http(source.getHttp()));
  }

  private List<RemoteFile> hub(HuggingFaceSource hub, String endpoint, boolean tokenSet)
      throws Failure, InterruptedException {
    String repo = hub.getRepo();
    String revision = Optional.ofNullable(hub.getRevision()).orElse("main");
    String what = repo + "@" + revision;
    URI url = HubListing.url(endpoint, repo, revision);
    HubListing listing =
        retry.call(
            "listing " + what,
            () -> {
              try (Http.Response response = http.get(url, 0)) {
                int status = response.status();
                // The Hub answers 401 for gated and private repositories, and for missing ones to
                // callers
                // without a token; 403 when the token has no access.
                if (status == 401 || status == 403) {
                  throw new Failure(
                      Failure.UNAUTHORIZED,
                      response.describe()
                          + ": "
                          + (tokenSet
                              ? "HF_TOKEN was not accepted for "
                                  + what
                                  + "; check that it has access"
                              : what
                                  + " is gated, private or missing; give the downloader an HF_TOKEN through"
                                  + " spec.secrets"));
                }
                if (status == 404) {
                  throw new Failure(
                      Failure.SOURCE_NOT_FOUND,
                      response.describe()
                          + ": no repository "
                          + repo
                          + " with revision "
                          + revision
                          + " at "
                          + Http.show(URI.create(endpoint)));
                }
                response.requireSuccess();
                return HubListing.parse(
                    response.body(),
                    path -> Glob.selects(hub.getInclude(), hub.getExclude(), path));
              } catch (HubListing.Malformed e) {
                throw new Failure(
                    Failure.TRANSFER_FAILED,
                    "the listing of "
                        + what
                        + " from "
                        + Http.show(URI.create(endpoint))
                        + " cannot be used: "
                        + e.getMessage());
              }
            });
    if (listing.entries().isEmpty()) {
      throw new Failure(
          Failure.SOURCE_NOT_FOUND,
          "none of the "
              + listing.listed()
              + " files of "
              + what
              + " matches include "
              + hub.getInclude()
              + " and exclude "
              + hub.getExclude());
    }
    return listing.files(endpoint, repo, revision);
  }

  private RemoteFile http(HttpSource source) throws Failure, InterruptedException {
    URI url = Http.parseSource("spec.source.http.url", source.getUrl());
    Identity identity = retry.call("asking the size of " + Http.show(url), () -> identity(url));
    return new RemoteFile(
        fileName(url),
        identity.size(),
        url,
        Optional.ofNullable(source.getSha256()).map(Checksum::sha256),
        identity.validator(),
        Optional.empty());
  }

  /**
   * What the server says of a file: its size, and the validator that tells this version of it from
   * another.
   */
  private record Identity(long size, Optional<String> validator) {}

  /**
   * A strong ETag, else Last-Modified: what {@code If-Range} may carry. A weak ETag ({@code
   * W/"..."}) is not allowed there, since it does not promise the same bytes.
   */
  static Optional<String> validator(Http.Response response) {
    String etag = response.header("ETag");
    if (etag != null && !etag.isBlank() && !etag.trim().startsWith("W/")) {
      return Optional.of(etag.trim());
    }
    return Optional.ofNullable(response.header("Last-Modified"))
        .map(String::trim)
        .filter(v -> !v.isEmpty());
  }

  /**
   * The size from a HEAD, or from a GET of the first byte where HEAD is refused (presigned object
   * store URLs are signed for GET only); a file of unknown size cannot be space-checked or resumed.
   */
  private Identity identity(URI url) throws IOException, Failure {
    try (Http.Response head = http.head(url)) {
      int status = head.status();
      if (status / 100 == 2 && head.contentLength() >= 0) {
        return new Identity(
            believable(url, "Content-Length", head.contentLength()), validator(head));
      }
      if (status != 403 && status != 405 && status != 501 && status / 100 != 2) {
        head.requireSuccess();
      }
    }
    try (Http.Response first = http.getFirstByte(url)) {
      first.requireSuccess();
      String contentRange = Optional.ofNullable(first.header("Content-Range")).orElse("");
      Matcher range = RANGE_TOTAL.matcher(contentRange);
      long size =
          first.status() == 206 && range.matches()
              ? believable(
                  url,
                  "Content-Range",
                  number(url, "Content-Range: " + contentRange, range.group(1)))
              : first.status() == 200 ? first.contentLength() : -1;
      Optional<String> validator = validator(first);
      first.abandon();
      if (size < 0) {
        throw new Failure(
            Failure.TRANSFER_FAILED,
            Http.show(url)
                + " does not tell its size"
                + " (no Content-Length or Content-Range), which resuming and the space check need");
      }
      return new Identity(believable(url, "Content-Length", size), validator);
    }
  }

  /**
   * Whether an answer is of another version than the one listed with this validator: it names a
   * version (ETag or Last-Modified), and neither is the listed one.
   */
  static boolean changed(String listed, Http.Response response) {
    String etag = response.header("ETag");
    String modified = response.header("Last-Modified");
    return (etag != null || modified != null)
        && !listed.equals(etag == null ? null : etag.trim())
        && !listed.equals(modified == null ? null : modified.trim());
  }

  /** A size announced in a header, if a file can have it. */
  private static long believable(URI url, String header, long size) throws Failure {
    Optional<String> problem = RemoteFile.sizeProblem(size);
    if (problem.isPresent()) {
      throw new Failure(
          Failure.TRANSFER_FAILED,
          Http.show(url) + " announces " + size + " bytes in its " + header + ": " + problem.get());
    }
    return size;
  }

  /** A number of a header; digits that overflow a long are a server's error, reported as such. */
  static long number(URI url, String header, String digits) throws Failure {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new Failure(
          Failure.TRANSFER_FAILED,
          Http.show(url)
              + " answered with "
              + Failure.printable(header, 200)
              + ", whose number "
              + Failure.printable(digits, 60)
              + " is larger than any file can be");
    }
  }

  /** The URL's last path segment: {@code https://host/models/x.gguf?sig=...} is x.gguf. */
  static String fileName(URI url) {
    String path = Optional.ofNullable(url.getPath()).orElse("").replaceAll("/+$", "");
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.isEmpty() ? url.getHost() : name;
  }
}
