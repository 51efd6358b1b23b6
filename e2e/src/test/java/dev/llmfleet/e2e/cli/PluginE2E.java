package dev.llmfleet.e2e.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadFailure;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.e2e.origin.TestOrigin;
import dev.llmfleet.e2e.support.DownloaderProcess;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.SmallServer;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubectl plugin against a real API server and the in-process operator: watch in a real terminal (tmux) while
 * the downloader fetches from a throttled origin, why across a ModelServer and its failed Download, and bad input.
 */
@ExtendWith(LlmFleetExtension.class)
class PluginE2E {

  private static final long MIB = 1024 * 1024;
  /** 24 MiB at 2 MiB/s: about 12 s of moving bars, several downloader reports (every ~2 s). */
  private static final long FILE_SIZE = 24 * MIB;
  private static final long RATE = 2 * MIB;
  /** The bytes bar as progressbar draws it: "name  42% │███▌   │ 10/24 MiB (0:00:05 / 0:00:07) Downloading ...". */
  private static final Pattern BAR = Pattern.compile("(\\d+)% .*\\(\\d+:\\d\\d:\\d\\d / (\\d+):(\\d\\d):(\\d\\d)\\)");

  private final TestNamespace namespace;
  private final TestOrigin origin = TestOrigin.start();
  private final List<DownloaderProcess> processes = new ArrayList<>();

  PluginE2E(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @AfterEach
  void stop() {
    processes.forEach(DownloaderProcess::close);
    origin.close();
  }

  @Test
  void watchInATerminalShowsTheBarAdvanceAndTheEtaFallThenTheResult(@TempDir Path root) throws Exception {
    String url = origin.addFile("model.gguf", FILE_SIZE);
    origin.rateLimit(RATE);
    create(httpDownload("watched", url, origin.sha256("model.gguf")));
    awaitJob("watched-run-1");
    processes.add(DownloaderProcess.start(namespace, "watched", root, Map.of()));

    try (Plugin.Tmux tmux = Plugin.Tmux.start("llmfleet-watch-" + namespace.name(), 120, 30, env(),
        "-n", namespace.name(), "watch", "download", "watched")) {
      List<int[]> seen = new ArrayList<>();
      String last = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> {
            String screen = tmux.capture();
            Matcher bar = BAR.matcher(screen);
            if (bar.find()) {
              seen.add(new int[] {Integer.parseInt(bar.group(1)), etaSeconds(bar)});
            }
            return screen;
          }, screen -> screen.contains("exit="));

      assertThat(seen).as("bars seen while it moved").hasSizeGreaterThanOrEqualTo(3);
      int[] first = seen.get(0);
      int[] later = seen.stream().filter(s -> s[0] < 100).reduce((a, b) -> b).orElseThrow();
      assertThat(later[0]).as("the bar advances").isGreaterThan(first[0]);
      assertThat(later[1]).as("the ETA falls").isLessThan(first[1]);
      assertThat(last).contains("watched", "100%", "verified", "Download watched Succeeded: 1 file, 24.0 MiB, verified",
          "exit=0");
    }
  }

  @Test
  void watchWithoutATerminalPrintsLinesAndExitsNonZeroOnFailure() throws Exception {
    create(SmallDownload.of(namespace.name(), "broken", "model.gguf"));
    awaitJob("broken-run-1");
    DownloaderReports.report(namespace, "broken", DownloadProgress.builder().run("broken-run-1").bytesDone(0L)
        .bytesTotal(4096L).failure(new DownloadFailure("ChecksumMismatch", "model.gguf: expected 5f2b, got 00aa"))
        .build());

    Plugin.Outcome watch = Plugin.run(env(), 90, "-n", namespace.name(), "watch", "dl/broken");

    assertThat(watch.exitCode()).isEqualTo(1);
    assertThat(watch.stdout()).contains("broken  Failed")
        .contains("Download broken Failed: ChecksumMismatch: run 1 failed with ChecksumMismatch");
  }

  @Test
  void whyFollowsAServerWaitingForAFailedDownloadToTheCause() throws Exception {
    create(SmallDownload.of(namespace.name(), "failing", "model.gguf"));
    ModelServer server = SmallServer.named(namespace.name(), "waiting");
    server.getSpec().setModel(ModelSource.builder().downloadRef(new LocalRef("failing")).build());
    namespace.client().resource(server).create();
    awaitJob("failing-run-1");
    DownloaderReports.report(namespace, "failing", DownloadProgress.builder().run("failing-run-1").bytesDone(0L)
        .bytesTotal(4096L).failure(new DownloadFailure("ChecksumMismatch", "model.gguf: expected 5f2b, got 00aa"))
        .build());

    Plugin.Outcome why = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
        .until(() -> Plugin.run(env(), 60, "-n", namespace.name(), "why", "ms/waiting"),
            outcome -> outcome.stdout().contains("Stalled=True"));

    assertThat(why.exitCode()).as(why.stderr()).isEqualTo(1);
    assertThat(why.stdout().lines().toList()).first().asString()
        .isEqualTo("ModelServer/waiting  Ready=False  WaitingForDownload");
    assertThat(why.stdout()).contains("└─ Download/failing  Stalled=True  ChecksumMismatch",
        "model.gguf: expected 5f2b, got 00aa", "Job/failing-run-1  run 1 Failed  ChecksumMismatch",
        "ModelServer/waiting is blocked");

    Plugin.Outcome json = Plugin.run(env(), 60, "-n", namespace.name(), "why", "ms/waiting", "-o", "json");
    assertThat(json.stdout()).contains("\"blocked\" : true", "\"object\" : \"Download/failing\"");

    Plugin.Outcome chat = Plugin.run(env(), 60, "-n", namespace.name(), "chat", "ms/waiting", "hello");
    assertThat(chat.exitCode()).isEqualTo(1);
    assertOneLine(chat.stderr());
    assertThat(chat.stderr()).contains("ModelServer/waiting is not Ready", "Download/failing Stalled=True");
  }

  @Test
  void badInputIsOneLineAndAnExitCodeAScriptCanTest(@TempDir Path home) throws Exception {
    Plugin.Outcome unknownKind = Plugin.run(env(), 60, "-n", namespace.name(), "why", "pod/x");
    assertThat(unknownKind.exitCode()).isEqualTo(2);
    assertOneLine(unknownKind.stderr());
    assertThat(unknownKind.stderr()).contains("unknown kind 'pod'");

    Plugin.Outcome unknownResource = Plugin.run(env(), 60, "-n", namespace.name(), "why", "ms/nope");
    assertThat(unknownResource.exitCode()).isEqualTo(3);
    assertOneLine(unknownResource.stderr());
    assertThat(unknownResource.stderr()).contains("ModelServer/nope not found in namespace " + namespace.name());

    Plugin.Outcome noCluster = Plugin.run(Map.of("KUBECONFIG", home.resolve("missing").toString(),
        "HOME", home.toString()), 60, "status");
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

  private static int etaSeconds(Matcher bar) {
    return Integer.parseInt(bar.group(2)) * 3600 + Integer.parseInt(bar.group(3)) * 60
        + Integer.parseInt(bar.group(4));
  }

  private static void assertOneLine(String stderr) {
    assertThat(stderr.strip().lines()).as(stderr).hasSize(1);
    assertThat(stderr).doesNotContain("Exception", "\tat ");
  }

  private Download httpDownload(String name, String url, String sha256) {
    Download download = new Download();
    download.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace.name()).build());
    download.setSpec(DownloadSpec.builder()
        .source(DownloadSource.builder().http(HttpSource.builder().url(url).sha256(sha256).build()).build())
        .storage(Storage.builder().size(new Quantity("1Gi")).build())
        .build());
    return download;
  }

  private void create(Download download) {
    namespace.client().resource(download).create();
  }

  private void awaitJob(String name) {
    await().atMost(Duration.ofSeconds(30)).until(() -> namespace.client().batch().v1().jobs()
        .inNamespace(namespace.name()).withName(name).get(), (Job job) -> job != null);
  }
}
