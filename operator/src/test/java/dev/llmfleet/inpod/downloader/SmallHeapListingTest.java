package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.HuggingFaceSource;
import dev.llmfleet.common.JarPods;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hub listing far larger than the download pod's heap (-Xmx24m): the downloader streams it,
 * keeping only the files it selects, in a JVM with the pod's own options.
 */
class SmallHeapListingTest {

  /**
   * Siblings in the listing: about 64 MiB of JSON, with long names and fields the downloader does
   * not use.
   */
  private static final int SIBLINGS = 200_000;

  @TempDir Path root;

  @Test
  void aListingLargerThanTheHeapIsStreamed() throws Exception {
    byte[] config = "{}\n".getBytes(StandardCharsets.UTF_8);
    String commit = "a".repeat(40);
    StringBuilder json = new StringBuilder("{\"siblings\": [");
    String padding = "x".repeat(200);
    for (int i = 0; i < SIBLINGS; i++) {
      json.append("{\"rfilename\": \"shards/")
          .append(padding)
          .append(i)
          .append(".bin\", \"size\": 1, \"blobId\": \"")
          .append("b".repeat(40))
          .append("\", \"securityStatus\": {\"note\": \"")
          .append(padding)
          .append("\"}},");
    }
    json.append("{\"rfilename\": \"config.json\", \"size\": 3, \"blobId\": \"")
        .append(gitBlob(config))
        .append("\"}], \"sha\": \"")
        .append(commit)
        .append("\"}");
    try (RangeServer hub = new RangeServer()) {
      hub.serve(
          "/api/models/org/model/revision/main", json.toString().getBytes(StandardCharsets.UTF_8));
      hub.serve("/org/model/resolve/" + commit + "/config.json", config);

      Process child =
          new ProcessBuilder(childCommand(hub.url("").toString()))
              .redirectErrorStream(true)
              .start();
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();

      assertThat(child.exitValue()).as(output).isZero();
      assertThat(output).contains("verified true");
      assertThat(root.resolve("model/config.json")).hasBinaryContent(config);
    }
  }

  private static String gitBlob(byte[] content) {
    MessageDigest digest = Checksum.gitBlob("").newDigest(content.length);
    digest.update(content);
    return Checksum.hex(digest);
  }

  private List<String> childCommand(String endpoint) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of(JarPods.JVM_OPTIONS.trim().split("\\s+")));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Child.class.getName(),
            root.toString(),
            endpoint));
    return command;
  }

  /** The downloader of one run, in the child JVM: prints its last report. */
  static final class Child {
    public static void main(String[] args) throws Exception {
      List<DownloadProgress> reports = new ArrayList<>();
      Downloader.Settings settings =
          new Downloader.Settings(
              Path.of(args[0]),
              Optional.empty(),
              args[1],
              Optional.of("model-run-1"),
              4,
              new Retry(Duration.ofMillis(10), Duration.ofMillis(10), 3),
              Duration.ofSeconds(5),
              Duration.ofSeconds(30));
      int exit =
          new Downloader(
                  settings,
                  (progress, model) -> reports.add(progress),
                  System.out,
                  System.err,
                  Clock.systemUTC())
              .run(
                  DownloaderFailuresTest.download(
                      HuggingFaceSource.builder()
                          .repo("org/model")
                          .revision("main")
                          .include(List.of("*.json"))
                          .build()));
      DownloadProgress last = reports.get(reports.size() - 1);
      System.out.println("verified " + last.getVerified() + " failure " + last.getFailure());
      System.exit(exit);
    }
  }
}
