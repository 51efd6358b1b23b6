package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadFailure;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.HuggingFaceSource;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.config.OperatorConfig.Secret;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs that once crashed the downloader (the run then ended as NoResultReported and its reason
 * was lost): each must end as a failure reported in status.progress, with a reason and a message
 * that says what was wrong.
 */
class DownloaderFailuresTest {

  private static final String TOKEN = "hf_FailuresTestToken";

  @TempDir Path root;
  private final RangeServer server = new RangeServer();
  private final List<DownloadProgress> reports = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  DownloaderFailuresTest() throws Exception {}

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aNulInAListedFileNameIsAnUnsafePath() throws Exception {
    listing(
        "{\"sha\": \""
            + "a".repeat(40)
            + "\", \"siblings\": [{\"rfilename\": \"a\\u0000b.json\", \"size\": 3,"
            + " \"blobId\": \""
            + "b".repeat(40)
            + "\"}]}");

    DownloadFailure failure = failureOf(hub(server.url("").toString()), Optional.empty());

    assertThat(failure.getReason()).isEqualTo("UnsafePath");
    assertThat(failure.getMessage()).contains("a\\u0000b.json", "NUL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://files.example/model.gguf", "file:///etc/passwd", "jar:file:/x!/y"})
  void aRedirectToAnUnsupportedSchemeIsReported(String location) throws Exception {
    server.answer("/model.gguf", redirectTo(location));

    DownloadFailure failure =
        failureOf(http(server.url("/model.gguf").toString()), Optional.empty());

    assertThat(failure.getReason()).isEqualTo("TransferFailed");
    assertThat(failure.getMessage()).contains("redirected to", "only http and https");
  }

  @Test
  void aMalformedLocationIsReported() throws Exception {
    server.answer("/model.gguf", redirectTo("http://[::1/x y"));

    DownloadFailure failure =
        failureOf(http(server.url("/model.gguf").toString()), Optional.empty());

    assertThat(failure.getReason()).isEqualTo("TransferFailed");
    assertThat(failure.getMessage()).contains("Location", "not a valid URL");
  }

  @Test
  void aContentRangeWhoseNumbersOverflowIsReported() throws Exception {
    server.answer(
        "/model.gguf",
        exchange -> {
          if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(405, -1);
            return;
          }
          exchange.getResponseHeaders().set("Content-Range", "bytes 0-0/99999999999999999999");
          exchange.sendResponseHeaders(206, 1);
          exchange.getResponseBody().write(1);
        });

    DownloadFailure failure =
        failureOf(http(server.url("/model.gguf").toString()), Optional.empty());

    assertThat(failure.getReason()).isEqualTo("TransferFailed");
    assertThat(failure.getMessage()).contains("Content-Range", "99999999999999999999");
  }

  @Test
  void anAbsurdContentLengthIsReported() throws Exception {
    server.answer(
        "/model.gguf",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Length", String.valueOf(Long.MAX_VALUE));
          exchange.sendResponseHeaders(200, -1);
        });

    DownloadFailure failure =
        failureOf(http(server.url("/model.gguf").toString()), Optional.empty());

    assertThat(failure.getReason()).isEqualTo("TransferFailed");
    assertThat(failure.getMessage()).contains(String.valueOf(Long.MAX_VALUE), "bytes");
  }

  @Test
  void aRangeAnswerWhoseStartOverflowsIsReported() throws Exception {
    byte[] content = new byte[1000];
    server.answer(
        "/model.gguf",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Length", "1000");
          if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
            return;
          }
          exchange.getResponseHeaders().set("Content-Range", "bytes 99999999999999999999-999/1000");
          exchange.sendResponseHeaders(206, content.length);
          exchange.getResponseBody().write(content);
        });

    DownloadFailure failure =
        failureOf(http(server.url("/model.gguf").toString()), Optional.empty());

    assertThat(failure.getReason()).isEqualTo("TransferFailed");
    assertThat(failure.getMessage()).contains("Content-Range");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://under_score.example",
        "http://under_score.example:8080/mirror",
        "http://:8080"
      })
  void anEndpointWithoutAHostTheJdkCanUseIsAnInvalidSourceWhenATokenIsSet(String endpoint)
      throws Exception {
    DownloadFailure failure = failureOf(hub(endpoint), Optional.of(TOKEN));

    assertThat(failure.getReason()).isEqualTo("InvalidSource");
    assertThat(failure.getMessage()).contains("spec.source.huggingFace.endpoint", "host");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://example.org/a|b.gguf",
        "https://example.org/%zz.gguf",
        "http://[::1/x.gguf",
        "https://example.org/{model}.gguf",
        "https://exa mple.org/"
      })
  void aUrlTheSchemaAcceptsButTheJdkRejectsIsAnInvalidSource(String url) throws Exception {
    DownloadFailure failure = failureOf(http(url), Optional.empty());

    assertThat(failure.getReason()).isEqualTo("InvalidSource");
    assertThat(failure.getMessage()).contains("spec.source.http.url", "not a valid URL");
  }

  @Test
  void aNegativeSizeInTheListingIsReported() throws Exception {
    listing(
        "{\"sha\": \""
            + "a".repeat(40)
            + "\", \"siblings\": [{\"rfilename\": \"config.json\", \"size\": -5,"
            + " \"blobId\": \""
            + "b".repeat(40)
            + "\"}]}");

    DownloadFailure failure = failureOf(hub(server.url("").toString()), Optional.empty());

    assertThat(failure.getReason()).isEqualTo("TransferFailed");
    assertThat(failure.getMessage()).contains("config.json", "-5");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4611686018427387904", "99999999999999999999999", "1.5e30"})
  void anAbsurdSizeInTheListingIsReported(String size) throws Exception {
    listing(
        "{\"sha\": \""
            + "a".repeat(40)
            + "\", \"siblings\": [{\"rfilename\": \"w.safetensors\", \"size\": 1,"
            + " \"lfs\": {\"sha256\": \""
            + "c".repeat(64)
            + "\", \"size\": "
            + size
            + "}},"
            + " {\"rfilename\": \"x.safetensors\", \"size\": 1, \"lfs\": {\"sha256\": \""
            + "c".repeat(64)
            + "\", \"size\": "
            + size
            + "}}]}");

    DownloadFailure failure = failureOf(hub(server.url("").toString()), Optional.empty());

    assertThat(failure.getReason()).isEqualTo("TransferFailed");
    assertThat(failure.getMessage()).contains("w.safetensors", size);
  }

  @Test
  void aListingThatSelectsMoreFilesThanTheDownloaderCanHoldIsReported() throws Exception {
    StringBuilder json = new StringBuilder("{\"sha\": \"" + "a".repeat(40) + "\", \"siblings\": [");
    for (int i = 0; i <= HubListing.MAX_FILES; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"rfilename\": \"f")
          .append(i)
          .append(".json\", \"size\": 1}");
    }
    listing(json.append("]}").toString());

    DownloadFailure failure = failureOf(hub(server.url("").toString()), Optional.empty());

    assertThat(failure.getReason()).isEqualTo("TransferFailed");
    assertThat(failure.getMessage())
        .contains("more than " + HubListing.MAX_FILES + " files", "include");
  }

  private static RangeServer.Answer redirectTo(String location) {
    return exchange -> {
      exchange.getResponseHeaders().set("Location", location);
      exchange.sendResponseHeaders(302, -1);
    };
  }

  private void listing(String json) {
    server.serve("/api/models/org/model/revision/main", json.getBytes(StandardCharsets.UTF_8));
  }

  private static HuggingFaceSource hub(String endpoint) {
    return HuggingFaceSource.builder()
        .repo("org/model")
        .revision("main")
        .endpoint(endpoint)
        .build();
  }

  private static HttpSource http(String url) {
    return HttpSource.builder().url(url).build();
  }

  /** Runs the downloader and returns the failure of its last report, which must be there. */
  private DownloadFailure failureOf(Object source, Optional<String> token) throws Exception {
    Downloader.Settings settings =
        new Downloader.Settings(
            root,
            token.map(Secret::new),
            "https://unused.example",
            Optional.of("model-run-1"),
            4,
            new Retry(Duration.ofMillis(10), Duration.ofMillis(10), 3),
            Duration.ofSeconds(1),
            Duration.ofSeconds(5));
    int exit =
        new Downloader(
                settings,
                (progress, model) -> reports.add(progress),
                new PrintStream(out, true),
                new PrintStream(err, true),
                Clock.systemUTC())
            .run(download(source));

    assertThat(exit).as(out + "\n" + err).isEqualTo(1);
    assertThat(reports).as("reports").isNotEmpty();
    DownloadFailure failure = reports.get(reports.size() - 1).getFailure();
    assertThat(failure).as("the failure in the last report; stderr: " + err).isNotNull();
    assertThat(err.toString()).contains("llmfleet: download: " + failure.getReason());
    assertThat(out.toString() + err + reports).doesNotContain(TOKEN);
    return failure;
  }

  static Download download(Object source) {
    Download download = new Download();
    download.setMetadata(new ObjectMetaBuilder().withName("model").withNamespace("ns").build());
    DownloadSource.DownloadSourceBuilder builder = DownloadSource.builder();
    if (source instanceof HuggingFaceSource hf) {
      builder.huggingFace(hf);
    } else {
      builder.http((HttpSource) source);
    }
    download.setSpec(
        DownloadSpec.builder()
            .source(builder.build())
            .storage(Storage.builder().existingClaim("models").build())
            .build());
    return download;
  }
}
