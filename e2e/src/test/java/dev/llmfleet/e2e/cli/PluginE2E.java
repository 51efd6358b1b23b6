package dev.llmfleet.e2e.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadFailure;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.SmallServer;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubectl plugin against a real API server and the in-process operator: watch without a
 * terminal, why across a ModelServer and its failed Download, and bad input. Watching in a real
 * terminal, chat and logs run against real pods in RealNodeE2E.
 */
@ExtendWith(LlmFleetExtension.class)
class PluginE2E {

  private final TestNamespace namespace;

  PluginE2E(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @Test
  void watchWithoutATerminalPrintsLinesAndExitsNonZeroOnFailure() throws Exception {
    create(SmallDownload.of(namespace.name(), "broken", "model.gguf"));
    awaitJob("broken-run-1");
    DownloaderReports.report(
        namespace,
        "broken",
        DownloadProgress.builder()
            .run("broken-run-1")
            .bytesDone(0L)
            .bytesTotal(4096L)
            .failure(new DownloadFailure("ChecksumMismatch", "model.gguf: expected 5f2b, got 00aa"))
            .build());

    Plugin.Outcome watch = Plugin.run(env(), 90, "-n", namespace.name(), "watch", "dl/broken");

    assertThat(watch.exitCode()).isEqualTo(1);
    assertThat(watch.stdout())
        .contains("broken  Failed")
        .contains("Download broken Failed: ChecksumMismatch: run 1 failed with ChecksumMismatch");
  }

  @Test
  void whyFollowsAServerWaitingForAFailedDownloadToTheCause() throws Exception {
    create(SmallDownload.of(namespace.name(), "failing", "model.gguf"));
    ModelServer server = SmallServer.named(namespace.name(), "waiting");
    server.getSpec().setModel(ModelSource.builder().downloadRef(new LocalRef("failing")).build());
    namespace.client().resource(server).create();
    awaitJob("failing-run-1");
    DownloaderReports.report(
        namespace,
        "failing",
        DownloadProgress.builder()
            .run("failing-run-1")
            .bytesDone(0L)
            .bytesTotal(4096L)
            .failure(new DownloadFailure("ChecksumMismatch", "model.gguf: expected 5f2b, got 00aa"))
            .build());

    Plugin.Outcome why =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(2))
            .until(
                () -> Plugin.run(env(), 60, "-n", namespace.name(), "why", "ms/waiting"),
                outcome -> outcome.stdout().contains("Download/failing  Stalled=True"));

    System.out.printf(
        "SCREEN of kubectl llmfleet why ms/waiting:%n%s%n", why.stdout().stripTrailing());
    assertThat(why.exitCode()).as(why.stderr()).isEqualTo(1);
    assertThat(why.stdout().lines().toList())
        .first()
        .asString()
        .as("a server whose Download failed for good is Stalled too: waiting will not help")
        .isEqualTo("ModelServer/waiting  Stalled=True  WaitingForDownload");
    assertThat(why.stdout())
        .contains(
            "└─ Download/failing  Stalled=True  ChecksumMismatch",
            "model.gguf: expected 5f2b, got 00aa",
            "Job/failing-run-1  run 1 Failed  ChecksumMismatch",
            "ModelServer/waiting is blocked");

    Plugin.Outcome json =
        Plugin.run(env(), 60, "-n", namespace.name(), "why", "ms/waiting", "-o", "json");
    assertThat(json.stdout()).contains("\"blocked\" : true", "\"object\" : \"Download/failing\"");

    Plugin.Outcome chat =
        Plugin.run(env(), 60, "-n", namespace.name(), "chat", "ms/waiting", "hello");
    assertThat(chat.exitCode()).isEqualTo(1);
    assertOneLine(chat.stderr());
    assertThat(chat.stderr())
        .contains("ModelServer/waiting is not Ready", "Download/failing Stalled=True");
  }

  @Test
  void badInputIsOneLineAndAnExitCodeAScriptCanTest(@TempDir Path home) throws Exception {
    Plugin.Outcome unknownKind = Plugin.run(env(), 60, "-n", namespace.name(), "why", "pod/x");
    assertThat(unknownKind.exitCode()).isEqualTo(2);
    assertOneLine(unknownKind.stderr());
    assertThat(unknownKind.stderr()).contains("unknown kind 'pod'");

    Plugin.Outcome unknownResource =
        Plugin.run(env(), 60, "-n", namespace.name(), "why", "ms/nope");
    assertThat(unknownResource.exitCode()).isEqualTo(3);
    assertOneLine(unknownResource.stderr());
    assertThat(unknownResource.stderr())
        .contains("ModelServer/nope not found in namespace " + namespace.name());

    Plugin.Outcome noCluster =
        Plugin.run(
            Map.of("KUBECONFIG", home.resolve("missing").toString(), "HOME", home.toString()),
            60,
            "status");
    assertThat(noCluster.exitCode()).isEqualTo(4);
    assertOneLine(noCluster.stderr());
    assertThat(noCluster.stderr()).contains("cannot reach the Kubernetes API");

    Plugin.Outcome badFlag = Plugin.run(env(), 60, "status", "--output", "xml");
    assertThat(badFlag.exitCode()).isEqualTo(2);
    assertOneLine(badFlag.stderr());
  }

  private Map<String, String> env() {
    return Map.of("KUBECONFIG", namespace.cluster().kubeconfig().toString());
  }

  private static void assertOneLine(String stderr) {
    assertThat(stderr.strip().lines()).as(stderr).hasSize(1);
    assertThat(stderr).doesNotContain("Exception", "\tat ");
  }

  private void create(Download download) {
    namespace.client().resource(download).create();
  }

  private void awaitJob(String name) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> namespace.get(name, Job.class), (Job job) -> job != null);
  }
}
