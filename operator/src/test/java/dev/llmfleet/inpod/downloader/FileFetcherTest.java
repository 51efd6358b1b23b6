package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resume, restart, retries and verification against a real HTTP server on loopback. */
class FileFetcherTest {

  private static final int SIZE = 3 * 1024 * 1024 + 17;
  private static final byte[] CONTENT = new byte[SIZE];
  private static final Retry FAST = new Retry(Duration.ofMillis(10), Duration.ofMillis(40), 4);

  static {
    new Random(42).nextBytes(CONTENT);
  }

  @TempDir Path dir;
  private final RangeServer server = new RangeServer().serve("/model.bin", CONTENT);

  FileFetcherTest() throws Exception {}

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void fetchesVerifiesAndRenamesIntoPlace() throws Exception {
    LocalFile file = inspect(sha256(CONTENT));

    fetcher(file).fetch(file);

    assertThat(Files.readAllBytes(dir.resolve("model.bin"))).isEqualTo(CONTENT);
    assertThat(dir.resolve("model.bin.part")).doesNotExist();
    assertThat(server.requests).containsExactly("GET /model.bin");
  }

  @Test
  void resumesFromTheBytesOfThePartFileAndVerifiesTheWholeFile() throws Exception {
    int had = 1024 * 1024 + 5;
    Files.write(dir.resolve("model.bin.part"), Arrays.copyOf(CONTENT, had));
    LocalFile file = inspect(sha256(CONTENT));
    Progress progress = new Progress(List.of(file));

    new FileFetcher(http(), FAST, progress).fetch(file);

    assertThat(server.requests).containsExactly("GET /model.bin bytes=" + had + "-");
    assertThat(server.bodyBytes.get()).isEqualTo(SIZE - had);
    assertThat(Files.readAllBytes(dir.resolve("model.bin"))).isEqualTo(CONTENT);
    assertThat(progress.snapshot().bytesDone()).isEqualTo(SIZE);
    assertThat(progress.snapshot().received()).isEqualTo(SIZE - had);
  }

  @Test
  void startsOverWhenTheServerIgnoresTheRange() throws Exception {
    server.ignoreRange = true;
    Files.write(dir.resolve("model.bin.part"), Arrays.copyOf(CONTENT, 1000));
    LocalFile file = inspect(sha256(CONTENT));
    Progress progress = new Progress(List.of(file));

    new FileFetcher(http(), FAST, progress).fetch(file);

    assertThat(Files.readAllBytes(dir.resolve("model.bin"))).isEqualTo(CONTENT);
    assertThat(progress.snapshot().bytesDone()).isEqualTo(SIZE);
  }

  @Test
  void resumesAfterTheConnectionIsCutWithoutFetchingAnyByteTwice() throws Exception {
    server.cutAfter = 1024 * 1024;
    server.cutNext.set(2);
    LocalFile file = inspect(sha256(CONTENT));

    fetcher(file).fetch(file);

    assertThat(server.requests)
        .containsExactly(
            "GET /model.bin", "GET /model.bin bytes=1048576-", "GET /model.bin bytes=2097152-");
    assertThat(server.bodyBytes.get()).isEqualTo(SIZE);
    assertThat(Files.readAllBytes(dir.resolve("model.bin"))).isEqualTo(CONTENT);
  }

  @Test
  void retriesServerErrorsWithBackoff() throws Exception {
    server.failNext.set(3);
    LocalFile file = inspect(sha256(CONTENT));

    fetcher(file).fetch(file);

    assertThat(server.requests).hasSize(4);
    assertThat(Files.readAllBytes(dir.resolve("model.bin"))).isEqualTo(CONTENT);
  }

  @Test
  void givesUpAfterTooManyFailuresInARow() throws Exception {
    server.failNext.set(100);
    LocalFile file = inspect(sha256(CONTENT));

    assertThatThrownBy(() -> fetcher(file).fetch(file))
        .isInstanceOfSatisfying(
            Failure.class, f -> assertThat(f.reason()).isEqualTo(Failure.TRANSFER_FAILED))
        .hasMessageContaining("model.bin failed 4 times in a row")
        .hasMessageContaining("answered 503");
  }

  @Test
  void aStalledSocketTimesOutAndTheFetchResumes() throws Exception {
    server.stallNext.set(1);
    server.stallMillis = 2000;
    LocalFile file = inspect(sha256(CONTENT));
    Http impatient = new Http(Duration.ofSeconds(1), Duration.ofMillis(300), Optional.empty());

    new FileFetcher(impatient, FAST, new Progress(List.of(file))).fetch(file);

    // On a busy machine a resumed request may time out too: every request after the first resumes.
    assertThat(server.requests).hasSizeGreaterThanOrEqualTo(2);
    assertThat(server.requests.subList(1, server.requests.size()))
        .allSatisfy(request -> assertThat(request).startsWith("GET /model.bin bytes="));
    assertThat(Files.readAllBytes(dir.resolve("model.bin"))).isEqualTo(CONTENT);
  }

  @Test
  void aChecksumMismatchDeletesThePartFile() throws Exception {
    LocalFile file = inspect(Checksum.sha256("00".repeat(32)));
    Progress progress = new Progress(List.of(file));

    assertThatThrownBy(() -> new FileFetcher(http(), FAST, progress).fetch(file))
        .isInstanceOfSatisfying(
            Failure.class, f -> assertThat(f.reason()).isEqualTo(Failure.CHECKSUM_MISMATCH))
        .hasMessage(
            "model.bin: expected sha256 "
                + "00".repeat(32)
                + ", got "
                + sha256(CONTENT).expected());
    assertThat(dir.resolve("model.bin.part")).doesNotExist();
    assertThat(dir.resolve("model.bin")).doesNotExist();
    assertThat(progress.snapshot().bytesDone()).isZero();
  }

  @Test
  void verifiesSmallHubFilesByTheirGitBlobId() throws Exception {
    byte[] config = "{\"model_type\": \"llama\"}\n".getBytes(StandardCharsets.UTF_8);
    server.serve("/config.json", config);
    // What `git hash-object` prints for this content, and the Hub lists as blobId.
    String blobId = "9eddb62b076f586b2186445e7872e5a05f0dfe06";
    RemoteFile remote =
        new RemoteFile(
            "config.json",
            config.length,
            server.url("/config.json"),
            Optional.of(Checksum.gitBlob(blobId)));
    LocalFile file = layout().inspect(remote);

    fetcher(file).fetch(file);

    assertThat(dir.resolve("config.json")).hasBinaryContent(config);
  }

  @Test
  void aLargeFileIsHashedOnItsOwnThreadAcrossAResumeAndACut() throws Exception {
    byte[] large = new byte[(int) Hasher.THREAD_FROM + 17];
    new Random(7).nextBytes(large);
    server.serve("/large.bin", large);
    int had = 5 * 1024 * 1024 + 3;
    Files.write(dir.resolve("large.bin.part"), Arrays.copyOf(large, had));
    server.cutAfter = 4 * 1024 * 1024;
    server.cutNext.set(1);
    RemoteFile remote =
        new RemoteFile(
            "large.bin", large.length, server.url("/large.bin"), Optional.of(sha256(large)));
    LocalFile file = layout().inspect(remote);

    fetcher(file).fetch(file);

    assertThat(server.requests)
        .containsExactly(
            "GET /large.bin bytes=" + had + "-",
            "GET /large.bin bytes=" + (had + 4 * 1024 * 1024) + "-");
    assertThat(dir.resolve("large.bin")).hasBinaryContent(large);
  }

  @Test
  void aLargeFileWithTheWrongHashIsRefused() throws Exception {
    byte[] large = new byte[(int) Hasher.THREAD_FROM];
    server.serve("/large.bin", large);
    RemoteFile remote =
        new RemoteFile(
            "large.bin", large.length, server.url("/large.bin"), Optional.of(sha256(CONTENT)));
    LocalFile file = layout().inspect(remote);

    assertThatThrownBy(() -> fetcher(file).fetch(file))
        .isInstanceOf(Failure.class)
        .hasMessageContaining("expected sha256");
    assertThat(dir.resolve("large.bin")).doesNotExist();
  }

  @Test
  void aCompletePartFileIsVerifiedAndRenamedWithoutARequest() throws Exception {
    Files.write(dir.resolve("model.bin.part"), CONTENT);
    LocalFile file = inspect(sha256(CONTENT));

    fetcher(file).fetch(file);

    assertThat(server.requests).isEmpty();
    assertThat(dir.resolve("model.bin")).exists();
  }

  private LocalFile inspect(Checksum checksum) throws Failure {
    RemoteFile remote =
        new RemoteFile("model.bin", SIZE, server.url("/model.bin"), Optional.of(checksum));
    return layout().inspect(remote);
  }

  private Layout layout() throws Failure {
    return Layout.of(dir.getParent(), dir.getFileName().toString());
  }

  private FileFetcher fetcher(LocalFile file) {
    return new FileFetcher(http(), FAST, new Progress(List.of(file)));
  }

  private static Http http() {
    return new Http(Duration.ofSeconds(1), Duration.ofSeconds(5), Optional.empty());
  }

  static Checksum sha256(byte[] content) throws Exception {
    return Checksum.sha256(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
  }
}
