package dev.llmfleet.e2e.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadFailure;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.HuggingFaceSource;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.e2e.origin.TestOrigin;
import dev.llmfleet.e2e.support.DownloaderProcess;
import dev.llmfleet.e2e.support.FileDigests;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downloader's hardening (issue 18) end to end: the real downloader process against the {@link
 * TestOrigin}, reporting into a Download's status on the real API server, with the operator in this
 * JVM acting on the reports. Each test is one behaviour: a file counts only for its exact source
 * (3), stalls and the Verifying step (5), failures reported with their reason rather than a crash
 * (6), URLs shown without their credentials (9).
 */
@ExtendWith(LlmFleetExtension.class)
class DownloadHardeningE2E {

  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
  private static final String MANIFEST = ".llmfleet-manifest.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestNamespace namespace;
  private final TestOrigin origin = TestOrigin.start();
  private final List<DownloaderProcess> processes = new ArrayList<>();
  private final List<Watch> watches = new ArrayList<>();
  @TempDir Path root;

  DownloadHardeningE2E(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @AfterEach
  void stop() {
    watches.forEach(Watch::close);
    processes.forEach(DownloaderProcess::close);
    origin.close();
  }

  // (3) A file on disk counts only for its exact source.

  @Test
  void aDownloadOfAnotherCommitIntoTheSameFolderFetchesOnlyTheFileThatChanged() throws Exception {
    String repo = "acme/revs";
    String changed = "model-00002-of-00002.safetensors";
    String unchanged = "model-00001-of-00002.safetensors";
    Map<String, Long> sizes = new LinkedHashMap<>();
    sizes.put("config.json", 700L);
    sizes.put(unchanged, 2 * MIB);
    sizes.put(changed, 2 * MIB);
    origin.addRepo(repo, Optional.empty(), MIB, sizes);
    String commitA = origin.commit(repo);
    String changedAtA = origin.sha256(repo + "/" + changed);

    create("rev-a", hub(repo, commitA), spec -> spec.storage(folder("revs")));
    DownloaderProcess first = start("rev-a", "rev-a-run-1");
    assertThat(first.waitFor(RUN_TIMEOUT)).as(first.output()).isZero();
    Map<String, JsonNode> afterA = manifestFiles(root.resolve("revs"));
    assertThat(afterA.keySet()).containsExactlyInAnyOrderElementsOf(sizes.keySet());
    assertThat(afterA.values())
        .allSatisfy(r -> assertThat(r.get("commit").asText()).isEqualTo(commitA));

    // Same size, other bytes: only the hash tells them apart.
    String commitB = origin.newCommit(repo, Map.of(changed, 2 * MIB));
    assertThat(origin.sha256(repo + "/" + changed)).isNotEqualTo(changedAtA);
    // The folder is free for a new Download once the first is gone (FolderWriters).
    namespace
        .client()
        .resources(Download.class)
        .inNamespace(namespace.name())
        .withName("rev-a")
        .delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> namespace.get("rev-a", Download.class) == null);
    int requestsBefore = origin.requests().size();

    create("rev-b", hub(repo, commitB), spec -> spec.storage(folder("revs")));
    DownloaderProcess second = start("rev-b", "rev-b-run-1");
    assertThat(second.waitFor(RUN_TIMEOUT)).as(second.output()).isZero();

    assertThat(second.stdout()).contains("3 files", "already there: 2 files complete");
    assertThat(origin.requests().subList(requestsBefore, origin.requests().size()))
        .as("what the run for commit B asked the origin")
        .containsExactly(
            "GET /api/models/" + repo + "/revision/" + commitB,
            "GET /" + repo + "/resolve/" + commitB + "/" + changed,
            "cdn:GET /" + repo + "/" + commitB + "/" + changed);
    assertThat(origin.bytesSent(repo + "/" + changed))
        .as("the changed file, fetched twice")
        .isEqualTo(4 * MIB);
    assertThat(origin.bytesSent(repo + "/" + unchanged)).as("fetched once").isEqualTo(2 * MIB);
    assertThat(origin.bytesSent(repo + "/config.json")).as("fetched once").isEqualTo(700);
    for (String path : sizes.keySet()) {
      assertThat(FileDigests.sha256(root.resolve("revs/" + path)))
          .as(path)
          .isEqualTo(origin.sha256(repo + "/" + path));
    }
    Map<String, JsonNode> afterB = manifestFiles(root.resolve("revs"));
    assertThat(afterB.get(changed).get("commit").asText()).isEqualTo(commitB);
    assertThat(afterB.get(changed).get("hash").asText())
        .isEqualTo("sha256:" + origin.sha256(repo + "/" + changed));
    assertThat(afterB.get(unchanged))
        .as("kept as verified for commit A")
        .isEqualTo(afterA.get(unchanged));
    assertThat(afterB.get("config.json")).isEqualTo(afterA.get("config.json"));
    DownloadProgress progress = progress("rev-b");
    assertThat(progress.getVerified()).isTrue();
    assertThat(progress.getFilesDone()).isEqualTo(3);
    assertThat(progress.getBytesDone())
        .isEqualTo(700 + 4 * MIB)
        .isEqualTo(progress.getBytesTotal());
  }

  @Test
  void anHttpFileThatChangesBetweenACutAndTheResumeStartsOverWithTheNewBytes() throws Exception {
    String name = "weights.bin";
    String url = origin.addFile(name, 2 * MIB);
    String oldSha256 = origin.sha256(name);
    String v1 = origin.etag(name);
    origin.cutNext(1, 512 * KIB);
    AtomicBoolean changedOnce = new AtomicBoolean();
    // The object is overwritten while the downloader waits to resume: its resume is the first
    // request to see the new version.
    origin.onRequest(
        request -> {
          if (request.startsWith("GET /files/" + name + " bytes=")
              && changedOnce.compareAndSet(false, true)) {
            origin.changeFile(name);
          }
        });
    create("changing", http(url, null));

    // The resume asks for the rest if the file is still v1 (If-Range); the origin answers 200 with
    // all of the new version. The run then gives up: what it listed (size, validator) is of the
    // old version, and a new run lists afresh.
    DownloaderProcess first = start("changing", "changing-run-1");
    assertThat(first.waitFor(RUN_TIMEOUT)).as(first.output()).isEqualTo(1);

    // The origin records an answer once its handler is done: the abandoned one a moment later.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(origin.answers())
                    .containsExactly(
                        "HEAD /files/" + name + " -> 200",
                        "GET /files/" + name + " -> 200",
                        "GET /files/"
                            + name
                            + " bytes="
                            + 512 * KIB
                            + "- If-Range "
                            + v1
                            + " -> 200"));
    DownloadFailure failure = progress("changing").getFailure();
    assertThat(failure.getReason()).isEqualTo("TransferFailed");
    assertThat(failure.getMessage())
        .isEqualTo(
            name
                + " changed at the source during the download (it was "
                + v1
                + " when listed); a new run fetches it");
    assertThat(root.resolve("changing/" + name + ".part"))
        .as("the old version's bytes, nothing of the new appended")
        .hasSize(512 * KIB);
    Run failed = awaitRun("changing", 0, RunPhase.Failed);
    assertThat(failed.getReason()).isEqualTo("TransferFailed");
    // The operator's retry, after its backoff: the run the next process reports for.
    await().atMost(Duration.ofSeconds(60)).until(() -> runs("changing").size() == 2);
    int answersBefore = origin.answers().size();

    DownloaderProcess second = start("changing", "changing-run-2");
    assertThat(second.waitFor(RUN_TIMEOUT)).as(second.output()).isZero();

    assertThat(origin.answers().subList(answersBefore, origin.answers().size()))
        .as("the new run: the part is of another version, so the file starts over from byte 0")
        .containsExactly("HEAD /files/" + name + " -> 200", "GET /files/" + name + " -> 200");
    String newSha256 = FileDigests.sha256(root.resolve("changing/" + name));
    assertThat(newSha256).isEqualTo(origin.sha256(name)).isNotEqualTo(oldSha256);
    JsonNode record = manifestFiles(root.resolve("changing")).get(name);
    assertThat(record.get("validator").asText()).isEqualTo(origin.etag(name)).isNotEqualTo(v1);
    assertThat(record.get("url").asText()).isEqualTo(url);
    DownloadProgress progress = progress("changing");
    assertThat(progress.getVerified()).isTrue();
    assertThat(progress.getRun()).isEqualTo("changing-run-2");
    assertThat(progress.getBytesDone()).isEqualTo(2 * MIB);
    namespace.awaitPhase("changing", DownloadPhase.Succeeded, Duration.ofSeconds(30));
  }

  // (5) Stalls: progressedAt moves only with progress at the minimum rate; hashing is progress.

  @Test
  void aTricklingOriginStopsProgressedAtWhileUpdatedAtMovesAndTheRunIsStoppedAsStalled()
      throws Exception {
    String url = origin.addFile("trickle.bin", 256 * KIB);
    // Half the downloader's minimum rate of 1 KiB/s.
    origin.rateLimit(512);
    create(
        "trickle", http(url, origin.sha256("trickle.bin")), spec -> spec.stallTimeoutSeconds(30));
    List<DownloadProgress> reports = watch("trickle");

    DownloaderProcess downloader = start("trickle", "trickle-run-1");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                trickling(reports).stream().map(DownloadProgress::getUpdatedAt).distinct().count()
                    >= 3);

    List<DownloadProgress> trickling = trickling(reports);
    DownloadProgress firstReport = trickling.get(0);
    DownloadProgress lastReport = trickling.get(trickling.size() - 1);
    assertThat(trickling)
        .as("bytes keep arriving")
        .extracting(DownloadProgress::getBytesDone)
        .isSorted();
    assertThat(lastReport.getBytesDone()).isGreaterThan(firstReport.getBytesDone());
    assertThat(trickling)
        .as("progressedAt of every report while the origin trickles")
        .extracting(DownloadProgress::getProgressedAt)
        .containsOnly(firstReport.getProgressedAt());
    assertThat(
            Duration.between(
                Instant.parse(lastReport.getProgressedAt()),
                Instant.parse(lastReport.getUpdatedAt())))
        .as("updatedAt moved on")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    assertThat(lastReport.getBytesPerSecond()).isBetween(1L, 1023L);

    // The operator reads progressedAt: a run that only trickles is stopped as stalled, although its
    // reports are fresh.
    Run stalled = awaitRun("trickle", 0, RunPhase.Failed);
    assertThat(stalled.getReason()).isEqualTo("StallTimeout");
    DownloadProgress atStop = progress("trickle");
    assertThat(downloader.isAlive()).as("the downloader was still trickling").isTrue();
    assertThat(Instant.parse(atStop.getProgressedAt()).plusSeconds(30))
        .isBeforeOrEqualTo(Instant.parse(stalled.getFinishedAt()));
    assertThat(Instant.parse(atStop.getUpdatedAt()))
        .as("the last report before the stop was recent")
        .isAfter(Instant.parse(stalled.getFinishedAt()).minusSeconds(10));
  }

  @Test
  void reHashingALargePartBeforeResumingIsTheVerifyingStepWithBytesHashedGrowing(
      @TempDir Path originFiles) throws Exception {
    // The part holds zeros and costs no room (sparse). The test reads and hashes zeros from another
    // sparse file for 8 s first, as the downloader will its part (a file read once, not from the
    // page cache): the part is as large as that, so the Verifying step spans several reports, 2 s
    // apart, on a slow machine and a fast one alike. Its sha256 is known then without a second
    // pass.
    Path calibration = sparse(originFiles.resolve("calibration"), 256L << 30);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    ByteBuffer buffer = ByteBuffer.allocate((int) MIB);
    long mebibytes = 0;
    try (FileChannel channel = FileChannel.open(calibration, StandardOpenOption.READ)) {
      for (long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
          System.nanoTime() < until;
          mebibytes++) {
        buffer.clear();
        while (buffer.hasRemaining()) {
          channel.read(buffer, mebibytes * MIB + buffer.position());
        }
        digest.update(buffer.array());
      }
    }
    Files.delete(calibration);
    long partSize = mebibytes * MIB;
    long size = partSize + MIB;
    digest.update(new byte[(int) MIB]);
    String url = origin.addFile("zeros.bin", sparse(originFiles.resolve("zeros.bin"), size));
    sparse(root.resolve("verify/zeros.bin.part"), partSize);
    create("verify", http(url, HexFormat.of().formatHex(digest.digest())));
    List<DownloadProgress> reports = watch("verify");

    DownloaderProcess downloader = start("verify", "verify-run-1");
    assertThat(downloader.waitFor(RUN_TIMEOUT)).as(downloader.output()).isZero();

    List<DownloadProgress> verifying =
        reports.stream()
            .filter(p -> "Verifying".equals(p.getStep()) && p.getBytesHashed() != null)
            .toList();
    System.out.printf(
        "part of %d MiB; reports while verifying: %s%n",
        partSize / MIB, verifying.stream().map(DownloadProgress::getBytesHashed).toList());
    assertThat(verifying).as("reports of the Verifying step").hasSizeGreaterThanOrEqualTo(2);
    assertThat(verifying)
        .extracting(DownloadProgress::getBytesHashed)
        .as("bytesHashed")
        .isSorted()
        .doesNotHaveDuplicates()
        .allSatisfy(hashed -> assertThat(hashed).isBetween(1L, partSize));
    assertThat(verifying)
        .as("hashing is progress: progressedAt moves with it")
        .extracting(DownloadProgress::getProgressedAt)
        .doesNotHaveDuplicates();
    assertThat(verifying).allSatisfy(p -> assertThat(p.getBytesDone()).isEqualTo(partSize));
    DownloadProgress last = progress("verify");
    assertThat(last.getVerified()).isTrue();
    assertThat(last.getStep()).isEqualTo("Downloading");
    assertThat(last.getBytesHashed()).isEqualTo(partSize);
    assertThat(origin.requests())
        .as("resumed after the part, nothing fetched twice")
        .containsExactly("HEAD /files/zeros.bin", "GET /files/zeros.bin bytes=" + partSize + "-");
    assertThat(origin.bytesSent("zeros.bin")).isEqualTo(MIB);
    assertThat(root.resolve("verify/zeros.bin")).hasSize(size);
  }

  // (6) Every failure ends as a reason in status.progress.failure, never a crash.

  @Test
  void aRedirectToAnotherSchemeIsATransferFailure() throws Exception {
    String url = origin.redirect("ftp.gguf", "ftp://files.example/model.gguf");

    DownloadFailure failure = failsWith("to-ftp", http(url, null), "TransferFailed");

    assertThat(failure.getMessage())
        .isEqualTo(
            "HEAD "
                + url
                + " redirected to ftp://files.example/model.gguf, which cannot be followed: only"
                + " http and https URLs can be fetched");
  }

  @Test
  void aMalformedLocationIsATransferFailure() throws Exception {
    String url = origin.redirect("bad.gguf", "http://[::1/x y");

    DownloadFailure failure = failsWith("bad-location", http(url, null), "TransferFailed");

    assertThat(failure.getMessage())
        .startsWith("HEAD " + url + " redirected to http://[::1/x y, which is not a valid URL (")
        .endsWith("): the server's Location header is malformed");
  }

  @Test
  void aNulInAListedFileNameIsAnUnsafePath() throws Exception {
    origin.addRepo("acme/nul", Optional.empty(), MIB, Map.of("config.json", 700L));
    origin.listAs("acme/nul", "config.json", "a\u0000b.json");

    DownloadFailure failure = failsWith("nul-name", hub("acme/nul", "main"), "UnsafePath");

    assertThat(failure.getMessage())
        .isEqualTo(
            "refusing the path \"a\\u0000b.json\": it holds a NUL character, which no file name"
                + " can hold");
    assertThat(origin.requests()).noneMatch(r -> r.contains("/resolve/"));
    namespace.awaitPhase("nul-name", DownloadPhase.Failed, Duration.ofSeconds(30));
  }

  @Test
  void anAbsurdSizeInAListingIsATransferFailure() throws Exception {
    origin.addRepo("acme/huge", Optional.empty(), MIB, Map.of("model.safetensors", 2 * MIB));
    origin.listSize("acme/huge", "model.safetensors", 1L << 62);
    origin.addRepo("acme/huger", Optional.empty(), MIB, Map.of("model.safetensors", 2 * MIB));
    origin.listSize("acme/huger", "model.safetensors", new BigInteger("99999999999999999999999"));

    DownloadFailure huge = failsWith("huge", hub("acme/huge", "main"), "TransferFailed");
    DownloadFailure huger = failsWith("huger", hub("acme/huger", "main"), "TransferFailed");

    assertThat(huge.getMessage())
        .isEqualTo(
            "the listing of acme/huge@main from "
                + origin.url()
                + " cannot be used: the size of \"model.safetensors\" is 4611686018427387904"
                + " bytes: more than 64.0 TiB, larger than any file the downloader takes");
    assertThat(huger.getMessage())
        .isEqualTo(
            "the listing of acme/huger@main from "
                + origin.url()
                + " cannot be used: the size of \"model.safetensors\" is 99999999999999999999999,"
                + " not a whole number of bytes");
    assertThat(origin.bytesSent("acme/huge/model.safetensors")).isZero();
  }

  @Test
  void aNegativeSizeInAListingIsATransferFailure() throws Exception {
    origin.addRepo("acme/negative", Optional.empty(), MIB, Map.of("config.json", 700L));
    origin.listSize("acme/negative", "config.json", -5);

    DownloadFailure failure = failsWith("negative", hub("acme/negative", "main"), "TransferFailed");

    assertThat(failure.getMessage())
        .isEqualTo(
            "the listing of acme/negative@main from "
                + origin.url()
                + " cannot be used: the size of \"config.json\" is -5 bytes: a size cannot be"
                + " negative");
  }

  @Test
  void aUrlTheSchemaTakesButJavaCannotUseIsAnInvalidSource() throws Exception {
    String url = origin.url() + "/files/a|b.gguf";

    DownloadFailure failure = failsWith("pipe", http(url, null), "InvalidSource");

    assertThat(failure.getMessage())
        .startsWith("spec.source.http.url " + url + " is not a valid URL: ")
        .contains("percent-encode");
    assertThat(origin.requests()).isEmpty();
    namespace.awaitPhase("pipe", DownloadPhase.Failed, Duration.ofSeconds(30));
  }

  // (9) URLs are shown without userinfo and query string.

  @Test
  void credentialsInAUrlNeverShowInStatusEventsOrOutput() throws Exception {
    List<String> secrets =
        List.of(
            "e2euser", "e2ePassw0rd", "AKIAE2EEXAMPLE", "e2eSignature0123456789abcdef", "X-Amz-");
    String query = "?X-Amz-Credential=AKIAE2EEXAMPLE&X-Amz-Signature=e2eSignature0123456789abcdef";
    String plain = origin.addFile("model.bin", 3 * MIB);
    String host = plain.substring("http://".length(), plain.indexOf("/files/"));
    String signed = "http://e2euser:e2ePassw0rd@" + host + "/files/model.bin" + query;
    String missing = "http://e2euser:e2ePassw0rd@" + host + "/files/missing.gguf" + query;
    String hop =
        origin.redirect("hop.gguf", "ftp://e2euser:e2ePassw0rd@files.example/model.gguf" + query);
    String hopSigned = "http://e2euser:e2ePassw0rd@" + host + "/files/hop.gguf" + query;
    // Retries and a resume: messages that name the URL on the way to success.
    origin.failNext(2);
    origin.cutNext(1, 300 * KIB);

    create("signed", http(signed, origin.sha256("model.bin")));
    DownloaderProcess ok = start("signed", "signed-run-1");
    assertThat(ok.waitFor(RUN_TIMEOUT)).as(ok.output()).isZero();
    create("signed-missing", http(missing, null));
    DownloaderProcess notFound = start("signed-missing", "signed-missing-run-1");
    assertThat(notFound.waitFor(RUN_TIMEOUT)).as(notFound.output()).isEqualTo(1);
    create("signed-hop", http(hopSigned, null));
    DownloaderProcess redirected = start("signed-hop", "signed-hop-run-1");
    assertThat(redirected.waitFor(RUN_TIMEOUT)).as(redirected.output()).isEqualTo(1);

    assertThat(FileDigests.sha256(root.resolve("signed/model.bin")))
        .isEqualTo(origin.sha256("model.bin"));
    assertThat(ok.output()).contains("asking the size of " + plain, "answered 503");
    assertThat(progress("signed-missing").getFailure().getMessage())
        .isEqualTo("HEAD " + origin.url() + "/files/missing.gguf answered 404 Not Found");
    assertThat(progress("signed-hop").getFailure().getMessage())
        .startsWith("HEAD " + hop + " redirected to ftp://files.example/model.gguf, which");
    // What the operator writes and records of each, once it has seen their ends.
    namespace.awaitPhase("signed", DownloadPhase.Succeeded, Duration.ofSeconds(30));
    namespace.awaitPhase("signed-missing", DownloadPhase.Failed, Duration.ofSeconds(30));
    awaitRun("signed-hop", 0, RunPhase.Failed);
    for (String name : List.of("signed", "signed-missing", "signed-hop")) {
      DownloadStatus status = status(name);
      assertThat(status.getSource()).as(name + " status.source").doesNotContain("@", "?");
      assertThat(namespace.client().getKubernetesSerialization().asJson(status))
          .as(name + " status")
          .doesNotContain(secrets);
    }
    assertThat(status("signed").getSource()).isEqualTo(plain);
    // JSON, whose strings are not folded across lines as YAML's are.
    String events = namespace.kubectl("get", "events", "-o", "json").output();
    assertThat(events)
        .as("events")
        .contains(origin.url() + "/files/missing.gguf answered 404")
        .doesNotContain(secrets);
    assertThat(namespace.kubectl("get", "downloads", "-o", "wide").output())
        .as("kubectl get downloads")
        .contains(plain)
        .doesNotContain(secrets);
    for (DownloaderProcess process : List.of(ok, notFound, redirected)) {
      assertThat(process.output()).as("downloader output").doesNotContain(secrets);
    }
  }

  /**
   * Runs the downloader for a new Download of {@code source} and returns its reported failure,
   * which must have {@code reason}: the exit code 1, the same reason and message on stderr, no
   * stack trace, and the operator's record of the run with that reason, not NoResultReported.
   */
  private DownloadFailure failsWith(String name, DownloadSource source, String reason) {
    create(name, source);
    DownloaderProcess downloader = start(name, name + "-run-1");
    assertThat(downloader.waitFor(RUN_TIMEOUT)).as(downloader.output()).isEqualTo(1);
    DownloadProgress progress = progress(name);
    DownloadFailure failure = progress.getFailure();
    assertThat(failure).as("status.progress.failure; " + downloader.output()).isNotNull();
    assertThat(failure.getReason()).as(failure.getMessage()).isEqualTo(reason);
    assertThat(progress.getRun()).isEqualTo(name + "-run-1");
    assertThat(progress.getVerified()).isFalse();
    assertThat(downloader.stderr())
        .contains("llmfleet: download: " + reason + ": " + failure.getMessage());
    assertThat(downloader.output()).doesNotContain("Exception in thread", "\tat ");
    Run run = awaitRun(name, 0, RunPhase.Failed);
    assertThat(run.getReason()).isEqualTo(reason);
    return failure;
  }

  /** Where a Download's files go, as the folder {@code subPath} of the claim "models". */
  private static Storage folder(String subPath) {
    return Storage.builder().existingClaim("models").subPath(subPath).build();
  }

  private void create(String name, DownloadSource source) {
    create(name, source, spec -> spec);
  }

  private void create(
      String name,
      DownloadSource source,
      UnaryOperator<DownloadSpec.DownloadSpecBuilder> customize) {
    Download download = new Download();
    download.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(namespace.name()).build());
    download.setSpec(
        customize
            .apply(
                DownloadSpec.builder()
                    .source(source)
                    .storage(Storage.builder().existingClaim("models").build()))
            .build());
    namespace.client().resource(download).create();
  }

  private DownloadSource hub(String repo, String revision) {
    return DownloadSource.builder()
        .huggingFace(
            HuggingFaceSource.builder()
                .repo(repo)
                .revision(revision)
                .endpoint(origin.url())
                .build())
        .build();
  }

  private static DownloadSource http(String url, String sha256) {
    return DownloadSource.builder()
        .http(HttpSource.builder().url(url).sha256(sha256).build())
        .build();
  }

  /** The downloader as the pod of run {@code run} of the Download runs it. */
  private DownloaderProcess start(String name, String run) {
    DownloaderProcess process =
        DownloaderProcess.start(namespace, name, root, Map.of("LLMFLEET_RUN", run));
    processes.add(process);
    return process;
  }

  private DownloadStatus status(String name) {
    Download download = namespace.get(name, Download.class);
    return download == null || download.getStatus() == null
        ? new DownloadStatus()
        : download.getStatus();
  }

  private DownloadProgress progress(String name) {
    return status(name).getProgress();
  }

  private List<Run> runs(String name) {
    List<Run> runs = status(name).getRuns();
    return runs == null ? List.of() : runs;
  }

  /** The run at {@code index} of status.runs once the operator has recorded it in that phase. */
  private Run awaitRun(String name, int index, RunPhase phase) {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> runs(name).size() > index && runs(name).get(index).getPhase() == phase);
    return runs(name).get(index);
  }

  /**
   * Every status.progress the Download has from now on, in order, each once: the operator's own
   * status writes repeat the last.
   */
  private List<DownloadProgress> watch(String name) {
    List<DownloadProgress> reports = new CopyOnWriteArrayList<>();
    Watch watch =
        namespace
            .client()
            .resources(Download.class)
            .inNamespace(namespace.name())
            .withName(name)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Download download) {
                    DownloadProgress progress =
                        download.getStatus() == null ? null : download.getStatus().getProgress();
                    if (progress != null
                        && (reports.isEmpty()
                            || !reports.get(reports.size() - 1).equals(progress))) {
                      reports.add(progress);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    watches.add(watch);
    return reports;
  }

  /** The reports of a run that has bytes and no result yet. */
  private static List<DownloadProgress> trickling(List<DownloadProgress> reports) {
    return reports.stream()
        .filter(p -> p.getBytesDone() != null && p.getBytesDone() > 0 && p.getFailure() == null)
        .filter(p -> !Boolean.TRUE.equals(p.getVerified()))
        .toList();
  }

  /** The manifest's file records by path, as the downloader wrote them. */
  private static Map<String, JsonNode> manifestFiles(Path folder) throws IOException {
    Map<String, JsonNode> records = new LinkedHashMap<>();
    for (String line : Files.readAllLines(folder.resolve(MANIFEST))) {
      JsonNode file = JSON.readTree(line).get("file");
      if (file != null) {
        records.put(file.get("path").asText(), file);
      }
    }
    return records;
  }

  /** A file of {@code size} zero bytes that takes no room on disk. */
  private static Path sparse(Path file, long size) throws IOException {
    Files.createDirectories(file.getParent());
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(size);
    }
    return file;
  }
}
