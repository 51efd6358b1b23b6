package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.HuggingFaceSource;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.config.ConfigException;
import dev.llmfleet.config.OperatorConfig.Secret;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole run against loopback servers, with the status reports collected instead of patched. */
class DownloaderTest {

  private static final String TOKEN = "hf_TopSecretTokenValue";
  private static final byte[] WEIGHTS = new byte[2 * 1024 * 1024];
  private static final byte[] CONFIG =
      "{\"model_type\": \"llama\"}\n".getBytes(StandardCharsets.UTF_8);

  static {
    new Random(7).nextBytes(WEIGHTS);
  }

  @TempDir Path root;
  private final RangeServer hub = new RangeServer();
  private final RangeServer cdn = new RangeServer();
  private final List<DownloadProgress> reports = new CopyOnWriteArrayList<>();
  private final List<DownloadModel> models = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  DownloaderTest() throws Exception {}

  @AfterEach
  void stop() {
    hub.close();
    cdn.close();
  }

  @Test
  void fetchesTheSelectedFilesOfAHubRepositoryAndReportsThemVerified() throws Exception {
    serveRepository();

    int exit =
        downloader(Optional.of(TOKEN))
            .run(
                download(
                    HuggingFaceSource.builder()
                        .repo("org/model")
                        .revision("main")
                        .endpoint(hub.url("").toString())
                        .include(List.of("*.safetensors", "*.json"))
                        .build()));

    assertThat(exit).as(err.toString()).isZero();
    assertThat(root.resolve("model/model.safetensors")).hasBinaryContent(WEIGHTS);
    assertThat(root.resolve("model/config.json")).hasBinaryContent(CONFIG);
    assertThat(root.resolve("model/README.md")).doesNotExist();
    DownloadProgress first = reports.get(0);
    assertThat(first.getBytesTotal()).isEqualTo(WEIGHTS.length + CONFIG.length);
    assertThat(first.getFilesTotal()).isEqualTo(2);
    assertThat(first.getVerified()).isFalse();
    DownloadProgress last = reports.get(reports.size() - 1);
    assertThat(last.getVerified()).isTrue();
    assertThat(last.getBytesDone()).isEqualTo(last.getBytesTotal());
    assertThat(last.getPercent()).isEqualTo(100);
    assertThat(last.getFilesDone()).isEqualTo(2);
    assertThat(last.getRun()).isEqualTo("model-run-1");
    assertThat(last.getCurrentFile()).isNull();
    assertThat(cdn.authorizations).containsExactly("/blob/weights null");
    assertThat(out.toString())
        .contains(
            "verified model.safetensors (2.0 MiB, sha256 ok)",
            "verified config.json (24 B, git blob sha1 ok)");
    assertThat(out.toString() + err + reports).doesNotContain(TOKEN);
  }

  @Test
  void aVerifiedGgufIsDescribedInTheLastReportOnly() throws Exception {
    hub.serve(
        "/files/tiny-llama.gguf",
        Files.readAllBytes(Path.of("src/test/resources/metadata/tiny-llama.gguf")));

    int exit =
        downloader(Optional.empty())
            .run(
                download(
                    HttpSource.builder()
                        .url(hub.url("/files/tiny-llama.gguf").toString())
                        .build()));

    assertThat(exit).as(err.toString()).isZero();
    assertThat(models)
        .singleElement()
        .satisfies(
            model -> {
              assertThat(model.getArchitecture()).isEqualTo("llama");
              assertThat(model.getParameters()).isEqualTo(59584);
              assertThat(model.getDtype()).isEqualTo("Q4_K_M");
            });
    assertThat(out.toString()).contains("model: gguf llama, 60K parameters, Q4_K_M");
  }

  @Test
  void weightsWhoseHeaderCannotBeReadStillSucceedWithoutAModel() throws Exception {
    serveRepository();

    int exit =
        downloader(Optional.empty())
            .run(
                download(
                    HuggingFaceSource.builder()
                        .repo("org/model")
                        .revision("main")
                        .endpoint(hub.url("").toString())
                        .include(List.of("*.safetensors", "*.json"))
                        .build()));

    assertThat(exit).as(err.toString()).isZero();
    assertThat(models).isEmpty();
    assertThat(err.toString()).contains("cannot describe the model, status.model stays unset");
  }

  @Test
  void aSecondRunFindsEverythingOnDiskAndFetchesNothing() throws Exception {
    serveRepository();
    HuggingFaceSource source =
        HuggingFaceSource.builder()
            .repo("org/model")
            .revision("main")
            .endpoint(hub.url("").toString())
            .include(List.of("*.safetensors"))
            .build();
    downloader(Optional.empty()).run(download(source));
    long sent = cdn.bodyBytes.get();

    int exit = downloader(Optional.empty()).run(download(source));

    assertThat(exit).isZero();
    assertThat(cdn.bodyBytes.get()).isEqualTo(sent);
    assertThat(reports.get(reports.size() - 1).getVerified()).isTrue();
  }

  @Test
  void aMissingRepositoryFailsAsSourceNotFound() throws Exception {
    int exit =
        downloader(Optional.empty())
            .run(
                download(
                    HuggingFaceSource.builder()
                        .repo("org/missing")
                        .revision("main")
                        .endpoint(hub.url("").toString())
                        .build()));

    assertThat(exit).isEqualTo(1);
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0).getFailure().getReason()).isEqualTo("SourceNotFound");
    assertThat(err.toString()).startsWith("llmfleet: download: SourceNotFound: GET http://");
  }

  @Test
  void anHttpFileWithAWrongSha256FailsAndLeavesNothingBehind() throws Exception {
    hub.serve("/files/model.gguf", WEIGHTS);

    int exit =
        downloader(Optional.empty())
            .run(
                download(
                    HttpSource.builder()
                        .url(hub.url("/files/model.gguf").toString())
                        .sha256("ab".repeat(32))
                        .build()));

    assertThat(exit).isEqualTo(1);
    DownloadProgress last = reports.get(reports.size() - 1);
    assertThat(last.getFailure().getReason()).isEqualTo("ChecksumMismatch");
    assertThat(last.getFailure().getMessage()).startsWith("model.gguf: expected sha256 abab");
    assertThat(last.getVerified()).isFalse();
    assertThat(root.resolve("model").toFile().list()).containsExactly(Manifest.NAME);
  }

  @Test
  void urlCredentialsNeverShowInReportsOrOutput() throws Exception {
    hub.serve("/files/model.gguf", WEIGHTS);
    String secrets = "reader:hunter2@";
    String query = "?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=c0ffee";
    String base = "http://" + secrets + hub.url("").getAuthority();

    int ok =
        downloader(Optional.empty())
            .run(download(HttpSource.builder().url(base + "/files/model.gguf" + query).build()));
    int missing =
        downloader(Optional.empty())
            .run(download(HttpSource.builder().url(base + "/files/missing.gguf" + query).build()));
    hub.failNext.set(100);
    int failing =
        downloader(Optional.empty())
            .run(download(HttpSource.builder().url(base + "/files/other.gguf" + query).build()));

    assertThat(List.of(ok, missing, failing)).as(err.toString()).containsExactly(0, 1, 1);
    assertThat(reports)
        .extracting(DownloadProgress::getFailure)
        .filteredOn(f -> f != null)
        .extracting(f -> f.getMessage())
        .hasSize(2)
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains(
                        "HEAD http://"
                            + hub.url("").getAuthority()
                            + "/files/missing.gguf answered 404"))
        .anySatisfy(m -> assertThat(m).contains("answered 503"));
    assertThat(out.toString() + err + reports)
        .doesNotContain("hunter2", "c0ffee", "AKIAEXAMPLE", "reader");
  }

  @Test
  void aServerThatTricklesBelowTheMinimumRateDoesNotMoveProgressedAt() throws Exception {
    int size = 40;
    hub.answer(
        "/files/slow.gguf",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Length", String.valueOf(size));
          if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
            return;
          }
          exchange.sendResponseHeaders(200, size);
          // Ten bytes a second, far below the minimum of 1 KiB/s: the bytes move, but no model
          // arrives like this.
          for (int i = 0; i < size; i++) {
            exchange.getResponseBody().write(i);
            exchange.getResponseBody().flush();
            try {
              Thread.sleep(100);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        });

    int exit =
        downloader(Optional.empty())
            .run(
                download(HttpSource.builder().url(hub.url("/files/slow.gguf").toString()).build()));

    assertThat(exit).as(err.toString()).isZero();
    // Only reports sent while the file was still arriving: once it is verified, that counts as
    // progress.
    List<DownloadProgress> during = reports.stream().filter(r -> r.getFilesDone() == 0).toList();
    assertThat(during).as("reports while the bytes trickled").hasSizeGreaterThanOrEqualTo(2);
    assertThat(during)
        .extracting(DownloadProgress::getProgressedAt)
        .containsOnly(during.get(0).getProgressedAt());
    assertThat(during)
        .anySatisfy(
            r -> {
              assertThat(r.getBytesDone()).isPositive();
              assertThat(Instant.parse(r.getUpdatedAt()))
                  .isAfter(Instant.parse(r.getProgressedAt()));
            });
  }

  @Test
  void settingsComeFromThePodEnvironmentAndNeverShowTheToken() {
    Downloader.Settings settings =
        Downloader.Settings.fromEnvironment(
            root,
            Map.of("HF_TOKEN", TOKEN, "LLMFLEET_RUN", "model-run-2", "LLMFLEET_HF_ENDPOINT", " "));

    assertThat(settings.defaultEndpoint()).isEqualTo("https://huggingface.co");
    assertThat(settings.run()).contains("model-run-2");
    assertThat(settings.hfToken().map(Secret::value)).contains(TOKEN);
    assertThat(settings.toString()).doesNotContain(TOKEN);
    assertThatThrownBy(
            () ->
                Downloader.Settings.fromEnvironment(
                    root, Map.of("LLMFLEET_HF_ENDPOINT", "hf-mirror.example")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "LLMFLEET_HF_ENDPOINT must be an http:// or https:// URL, got \"hf-mirror.example\"");
  }

  private void serveRepository() throws Exception {
    hub.serve(
        "/api/models/org/model/revision/main",
        ("""
        {"sha": "0123456789abcdef0123456789abcdef01234567", "siblings": [
          {"rfilename": "README.md", "size": 3, "blobId": "x"},
          {"rfilename": "config.json", "size": %d, "blobId": "9eddb62b076f586b2186445e7872e5a05f0dfe06"},
          {"rfilename": "model.safetensors", "size": 134, "blobId": "y",
           "lfs": {"sha256": "%s", "size": %d}}]}
        """)
            .formatted(CONFIG.length, FileFetcherTest.sha256(WEIGHTS).expected(), WEIGHTS.length)
            .getBytes(StandardCharsets.UTF_8));
    String commit = "/org/model/resolve/0123456789abcdef0123456789abcdef01234567/";
    hub.serve(commit + "config.json", CONFIG);
    hub.redirect(commit + "model.safetensors", cdn.url("/blob/weights"));
    cdn.serve("/blob/weights", WEIGHTS);
  }

  private Downloader downloader(Optional<String> token) {
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
    return new Downloader(
        settings,
        (progress, model) -> {
          reports.add(progress);
          model.ifPresent(models::add);
        },
        new PrintStream(out, true),
        new PrintStream(err, true),
        Clock.systemUTC());
  }

  private static Download download(Object source) {
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
