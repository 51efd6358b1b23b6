package dev.llmfleet.downloader;

import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.HuggingFaceSource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
    String json = retry.call("listing " + what, () -> {
      try (Http.Response response = http.get(url, 0)) {
        int status = response.status();
        // The Hub answers 401 for gated and private repositories, and for missing ones to callers
        // without a token; 403 when the token has no access.
        if (status == 401 || status == 403) {
          throw new Failure(Failure.UNAUTHORIZED, response.describe() + ": " + (tokenSet
              ? "HF_TOKEN was not accepted for " + what + "; check that it has access"
              : what + " is gated, private or missing; give the downloader an HF_TOKEN through"
                  + " spec.secrets"));
        }
        if (status == 404) {
          throw new Failure(Failure.SOURCE_NOT_FOUND, response.describe() + ": no repository "
              + repo + " with revision " + revision + " at " + endpoint);
        }
        response.requireSuccess();
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
      }
    });
    HubListing listing;
    try {
      listing = HubListing.parse(json);
    } catch (IOException e) {
      throw new Failure(Failure.TRANSFER_FAILED, "the listing of " + what + " from " + endpoint
          + " is not what the Hub API returns: " + e.getMessage());
    }
    List<RemoteFile> files =
        listing.select(endpoint, repo, revision, hub.getInclude(), hub.getExclude());
    if (files.isEmpty()) {
      throw new Failure(Failure.SOURCE_NOT_FOUND, "none of the " + listing.entries().size()
          + " files of " + what + " matches include " + hub.getInclude() + " and exclude "
          + hub.getExclude());
    }
    return files;
  }

  private RemoteFile http(HttpSource source) throws Failure, InterruptedException {
    URI url = URI.create(source.getUrl());
    long size = retry.call("asking the size of " + Http.show(url), () -> size(url));
    return new RemoteFile(fileName(url), size, url,
        Optional.ofNullable(source.getSha256()).map(Checksum::sha256));
  }

  /**
   * The size from a HEAD, or from a GET of the first byte where HEAD is refused (presigned object
   * store URLs are signed for GET only); a file of unknown size cannot be space-checked or resumed.
   */
  private long size(URI url) throws IOException, Failure {
    try (Http.Response head = http.head(url)) {
      int status = head.status();
      if (status / 100 == 2 && head.contentLength() >= 0) {
        return head.contentLength();
      }
      if (status != 403 && status != 405 && status != 501 && status / 100 != 2) {
        head.requireSuccess();
      }
    }
    try (Http.Response first = http.getFirstByte(url)) {
      first.requireSuccess();
      Matcher range = RANGE_TOTAL.matcher(Optional.ofNullable(first.header("Content-Range"))
          .orElse(""));
      long size = first.status() == 206 && range.matches()
          ? Long.parseLong(range.group(1))
          : first.status() == 200 ? first.contentLength() : -1;
      first.abandon();
      if (size < 0) {
        throw new Failure(Failure.TRANSFER_FAILED, Http.show(url) + " does not tell its size"
            + " (no Content-Length or Content-Range), which resuming and the space check need");
      }
      return size;
    }
  }

  /** The URL's last path segment: {@code https://host/models/x.gguf?sig=...} is x.gguf. */
  static String fileName(URI url) {
    String path = Optional.ofNullable(url.getPath()).orElse("").replaceAll("/+$", "");
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.isEmpty() ? url.getHost() : name;
  }
}
