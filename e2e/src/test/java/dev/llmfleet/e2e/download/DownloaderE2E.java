package dev.llmfleet.e2e.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.HuggingFaceSource;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.e2e.origin.TestOrigin;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.DownloaderProcess;
import dev.llmfleet.e2e.support.FileDigests;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downloader against a real API server and a real HTTP origin ({@link TestOrigin}, a stand-in
 * for the internet): it runs as a child process, the way a Download's pod runs it, into a temporary
 * folder that plays the volume.
 */
@ExtendWith(LlmFleetExtension.class)
class DownloaderE2E {

  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final String TOKEN = "hf_e2eGatedTokenValue4711";
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

  /** The downloader's read buffer (FileFetcher.BUFFER_BYTES): what it holds before writing. */
  private static final long CHUNK = 256 * KIB;

  /**
   * What may sit in the two socket buffers when the process dies, sent by the origin but never
   * read: at 16 MiB/s, 48 ms of a downloader that lags on a busy machine.
   */
  private static final long IN_FLIGHT = 768 * KIB;

  private final TestNamespace namespace;
  private final TestOrigin origin = TestOrigin.start();
  private final List<DownloaderProcess> processes = new ArrayList<>();
  @TempDir Path root;

  DownloaderE2E(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @AfterEach
  void stop() {
    processes.forEach(DownloaderProcess::close);
    origin.close();
  }

  @Test
  void fetchesTheSelectedFilesOfAGatedHubRepositoryWithoutLeakingTheToken() throws Exception {
    Map<String, Long> files = new LinkedHashMap<>();
    files.put("config.json", 700L);
    files.put("model.safetensors.index.json", 2 * KIB);
    files.put("model-00001-of-00002.safetensors", 3 * MIB);
    files.put("model-00002-of-00002.safetensors", 2 * MIB + 123);
    files.put("tokenizer.json", 30 * KIB);
    files.put("pytorch_model.bin", 3 * MIB);
    files.put("original/consolidated.safetensors", 2 * MIB);
    files.put("README.md", KIB);
    origin.addRepo("acme/tiny-llm", Optional.of(TOKEN), MIB, files);
    HuggingFaceSource source =
        HuggingFaceSource.builder()
            .repo("acme/tiny-llm")
            .revision("main")
            .endpoint(origin.url())
            .include(List.of("*.safetensors", "*.json"))
            .exclude(List.of("original/*", "tokenizer*"))
            .build();

    create("gated-no-token", DownloadSource.builder().huggingFace(source).build());
    DownloaderProcess withoutToken = start("gated-no-token", Map.of());
    assertThat(withoutToken.waitFor(RUN_TIMEOUT)).isNotZero();
    assertThat(progress("gated-no-token").getFailure().getReason()).isEqualTo("Unauthorized");
    assertThat(withoutToken.stderr()).contains("Unauthorized", "HF_TOKEN");

    create("gated", DownloadSource.builder().huggingFace(source).build());
    DownloaderProcess downloader = start("gated", Map.of("HF_TOKEN", TOKEN));
    assertThat(downloader.waitFor(RUN_TIMEOUT)).as(downloader.output()).isZero();

    Path folder = root.resolve("gated");
    List<String> selected =
        List.of(
            "config.json",
            "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors",
            "model.safetensors.index.json");
    List<String> onDisk = new ArrayList<>(selected);
    onDisk.add(0, ".llmfleet-manifest.jsonl");
    assertThat(relativeFiles(folder))
        .as("the selected files and the downloader's manifest")
        .containsExactlyElementsOf(onDisk);
    for (String path : selected) {
      assertThat(FileDigests.sha256(folder.resolve(path)))
          .as(path)
          .isEqualTo(origin.sha256("acme/tiny-llm/" + path));
    }
    DownloadProgress progress = progress("gated");
    long total = 700 + 2 * KIB + 3 * MIB + 2 * MIB + 123;
    assertThat(progress.getVerified()).isTrue();
    assertThat(progress.getBytesTotal()).isEqualTo(total);
    assertThat(progress.getBytesDone()).isEqualTo(total);
    assertThat(progress.getPercent()).isEqualTo(100);
    assertThat(progress.getFilesDone()).isEqualTo(4).isEqualTo(progress.getFilesTotal());
    assertThat(progress.getFailure()).isNull();
    assertThat(origin.cdnAuthorizations()).as("Authorization headers sent to the CDN").isEmpty();

    assertThat(downloader.stdout() + downloader.stderr()).doesNotContain(TOKEN);
    Cluster.Result events = namespace.kubectl("get", "events", "-o", "yaml");
    assertThat(events.output()).doesNotContain(TOKEN);
    Cluster.Result yaml =
        namespace.kubectl("get", "download", "gated", "-o", "yaml", "--show-managed-fields");
    assertThat(yaml.exitCode()).isZero();
    assertThat(yaml.output()).contains("verified: true").doesNotContain(TOKEN);
  }

  @Test
  void verifiesAnHttpFileBySha256AndRejectsAWrongOne() throws Exception {
    String url = origin.addFile("model.gguf", 4 * MIB + 7);

    create("http-ok", http(url, origin.sha256("model.gguf")));
    DownloaderProcess ok = start("http-ok", Map.of());
    assertThat(ok.waitFor(RUN_TIMEOUT)).as(ok.output()).isZero();
    assertThat(FileDigests.sha256(root.resolve("http-ok/model.gguf")))
        .isEqualTo(origin.sha256("model.gguf"));
    assertThat(progress("http-ok").getVerified()).isTrue();
    assertThat(ok.stdout()).contains("verified model.gguf (4.0 MiB, sha256 ok)");

    String wrong = "0".repeat(64);
    create("http-wrong", http(url, wrong));
    DownloaderProcess mismatch = start("http-wrong", Map.of());
    assertThat(mismatch.waitFor(RUN_TIMEOUT)).isNotZero();
    DownloadProgress progress = progress("http-wrong");
    assertThat(progress.getFailure().getReason()).isEqualTo("ChecksumMismatch");
    assertThat(progress.getFailure().getMessage())
        .isEqualTo("model.gguf: expected sha256 " + wrong + ", got " + origin.sha256("model.gguf"));
    assertThat(progress.getVerified()).isFalse();
    assertThat(root.resolve("http-wrong/model.gguf")).doesNotExist();
    assertThat(root.resolve("http-wrong/model.gguf.part")).doesNotExist();
    assertThat(mismatch.stderr()).contains("ChecksumMismatch");
  }

  @Test
  void aKilledDownloadResumesWithAtMostOneChunkFetchedTwice() throws Exception {
    long size = 64 * MIB;
    String url = origin.addFile("big.gguf", size);
    origin.rateLimit(16 * MIB);
    create("resume", http(url, origin.sha256("big.gguf")));
    Path part = root.resolve("resume/big.gguf.part");

    DownloaderProcess first = start("resume", Map.of());
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> Files.exists(part) && Files.size(part) >= size * 40 / 100);
    first.kill();
    long kept = Files.size(part);
    long sentBefore = origin.bytesSent("big.gguf");
    assertThat(kept).isLessThan(size);

    DownloaderProcess second = start("resume", Map.of());
    assertThat(second.waitFor(RUN_TIMEOUT)).as(second.output()).isZero();

    assertThat(origin.requests()).contains("GET /files/big.gguf bytes=" + kept + "-");
    long fetchedTwice = origin.bytesSent("big.gguf") - size;
    System.out.printf(
        "killed at %d of %d bytes; the origin had sent %d; fetched twice: %d%n",
        kept, size, sentBefore, fetchedTwice);
    assertThat(fetchedTwice).as("bytes fetched twice").isBetween(0L, CHUNK + IN_FLIGHT);
    assertThat(FileDigests.sha256(root.resolve("resume/big.gguf")))
        .isEqualTo(origin.sha256("big.gguf"));
    assertThat(progress("resume").getVerified()).isTrue();
  }

  @Test
  void refusesToStartWhenTheVolumeIsTooSmall() throws Exception {
    Path small = root.resolve("tmpfs");
    Files.createDirectories(small);
    assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", small.toString()) == 0,
        "needs root to mount a small tmpfs");
    try {
      String url = origin.addFile("large.gguf", 32 * MIB);
      create("too-large", http(url, origin.sha256("large.gguf")));

      DownloaderProcess downloader =
          DownloaderProcess.start(namespace, "too-large", small, Map.of());
      processes.add(downloader);
      assertThat(downloader.waitFor(RUN_TIMEOUT)).isNotZero();

      DownloadProgress progress = progress("too-large");
      assertThat(progress.getFailure().getReason()).isEqualTo("InsufficientStorage");
      assertThat(progress.getFailure().getMessage())
          .contains("32.0 MiB still to fetch", "8.0 MiB available");
      assertThat(progress.getBytesTotal()).isEqualTo(32 * MIB);
      assertThat(origin.bytesSent("large.gguf")).as("body bytes fetched").isZero();
    } finally {
      run("umount", small.toString());
    }
  }

  @Test
  void recoversFromServerErrorsAndDroppedConnections() throws Exception {
    Map<String, Long> files = new LinkedHashMap<>();
    files.put("config.json", 900L);
    files.put("a.safetensors", 2 * MIB);
    files.put("b.safetensors", 2 * MIB);
    origin.addRepo("acme/flaky", Optional.empty(), MIB, files);
    create(
        "flaky",
        DownloadSource.builder()
            .huggingFace(
                HuggingFaceSource.builder()
                    .repo("acme/flaky")
                    .revision("main")
                    .endpoint(origin.url())
                    .build())
            .build());
    origin.failNext(2);
    origin.cutNext(3, 300 * KIB);

    DownloaderProcess downloader = start("flaky", Map.of());
    assertThat(downloader.waitFor(RUN_TIMEOUT)).as(downloader.output()).isZero();

    assertThat(downloader.stdout()).contains("answered 503", "the connection ended at byte");
    assertThat(origin.requests()).anyMatch(r -> r.matches("cdn:GET /acme/flaky/.* bytes=\\d+-"));
    for (String path : files.keySet()) {
      assertThat(FileDigests.sha256(root.resolve("flaky/" + path)))
          .isEqualTo(origin.sha256("acme/flaky/" + path));
    }
    assertThat(progress("flaky").getVerified()).isTrue();
  }

  @Test
  void progressMovesInTheStatusWhileBytesFlow() throws Exception {
    String url = origin.addFile("slow.gguf", 6 * MIB);
    origin.rateLimit(MIB);
    create("slow", http(url, origin.sha256("slow.gguf")));

    DownloaderProcess downloader = start("slow", Map.of());
    List<Long> bytesDone = new ArrayList<>();
    List<String> updatedAt = new ArrayList<>();
    List<String> progressColumn = new ArrayList<>();
    while (downloader.isAlive()) {
      Download download = namespace.get("slow", Download.class);
      DownloadProgress progress =
          download.getStatus() == null ? null : download.getStatus().getProgress();
      if (progress != null
          && progress.getBytesDone() != null
          && !Boolean.TRUE.equals(progress.getVerified())) {
        if (bytesDone.isEmpty()
            || !bytesDone.get(bytesDone.size() - 1).equals(progress.getBytesDone())) {
          bytesDone.add(progress.getBytesDone());
        }
        if (!updatedAt.contains(progress.getUpdatedAt())) {
          updatedAt.add(progress.getUpdatedAt());
        }
        progressColumn.add(
            column(namespace.kubectl("get", "download", "slow").output(), "PROGRESS"));
      }
      Thread.sleep(500);
    }

    assertThat(downloader.waitFor(RUN_TIMEOUT)).as(downloader.output()).isZero();
    assertThat(bytesDone)
        .as("bytesDone observed while downloading")
        .hasSizeGreaterThanOrEqualTo(3)
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(updatedAt).as("updatedAt observed while downloading").hasSizeGreaterThanOrEqualTo(2);
    assertThat(progressColumn)
        .as("kubectl get download, PROGRESS column")
        .anyMatch(p -> p.matches("[1-9][0-9]?"));
    assertThat(downloader.stdout())
        .containsPattern("\\d+% [0-9.]+ \\w*B/6\\.0 MiB 0/1 files [0-9.]+ \\w*B/s eta ");
    assertThat(progress("slow").getVerified()).isTrue();
  }

  private void create(String name, DownloadSource source) {
    Download download = new Download();
    download.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(namespace.name()).build());
    download.setSpec(
        DownloadSpec.builder()
            .source(source)
            .storage(Storage.builder().existingClaim("models").build())
            .build());
    namespace.client().resource(download).create();
  }

  private static DownloadSource http(String url, String sha256) {
    return DownloadSource.builder()
        .http(HttpSource.builder().url(url).sha256(sha256).build())
        .build();
  }

  private DownloaderProcess start(String name, Map<String, String> env) {
    DownloaderProcess process = DownloaderProcess.start(namespace, name, root, env);
    processes.add(process);
    return process;
  }

  private DownloadProgress progress(String name) {
    return namespace.get(name, Download.class).getStatus().getProgress();
  }

  /** The value of a column in the one-row output of {@code kubectl get}. */
  private static String column(String table, String name) {
    List<String> lines = table.lines().toList();
    if (lines.size() < 2) {
      return "";
    }
    int at = lines.get(0).indexOf(name);
    String row = lines.get(1);
    return at < 0 || at >= row.length() ? "" : row.substring(at).split("\\s+")[0];
  }

  private static List<String> relativeFiles(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> folder.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  private static int run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().transferTo(System.out);
    return process.waitFor();
  }
}
