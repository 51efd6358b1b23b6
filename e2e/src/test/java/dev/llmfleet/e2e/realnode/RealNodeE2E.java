package dev.llmfleet.e2e.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadGc;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.HuggingFaceSource;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.e2e.cli.Plugin;
import dev.llmfleet.e2e.origin.TestOrigin;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.FileDigests;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.RealNode;
import dev.llmfleet.e2e.support.Statuses;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Everything for real, on the cluster's real node: the operator installed by the chart runs in a
 * pod there, in a namespace enforcing the restricted Pod Security level, and does the rest:
 * download pods fetch a real model (SmolLM2-135M-Instruct, 98 MB GGUF) from the test origin (the
 * stand-in for the internet) into a local volume, llama.cpp's server loads it and answers chat
 * completions through its Service, and the faults are real ones (a killed container, a wrong
 * checksum, a crash-looping server). Figures are printed as {@code FIGURE name value}.
 */
@ExtendWith(LlmFleetExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodeE2E {

  private static final Map<String, String> RESTRICTED =
      Map.of(
          "pod-security.kubernetes.io/enforce",
          "restricted",
          "pod-security.kubernetes.io/enforce-version",
          "latest");
  private static final String CHART = Cluster.repoFile("helm/llmfleet-operator").toString();
  private static final String HUB_REPO = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF";
  private static final String GGUF = "smollm2-135m-instruct-q4_1.gguf";
  private static final Duration TIMEOUT = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestNamespace namespace;
  private final Cluster cluster;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private RealNode node;
  private RealNode.Model model;
  private String operatorImage;
  private TestOrigin origin;
  private TestNamespace operatorNamespace;
  private TestNamespace models;
  private String release;
  private long appliedAtNanos;

  RealNodeE2E(TestNamespace namespace, Cluster cluster) {
    this.namespace = namespace;
    this.cluster = cluster;
  }

  @BeforeAll
  void realNodeOriginAndNamespaces() throws IOException {
    Optional<RealNode> realNode = RealNode.of(cluster);
    Assumptions.assumeTrue(realNode.isPresent(), "the cluster has no real node");
    node = realNode.orElseThrow();
    model = RealNode.smolLm2();
    origin = TestOrigin.start(InetAddress.getByName(node.ip()));
    operatorImage = node.prepareForSmolLm2(origin, GGUF, model);
    origin.addRepo(
        HUB_REPO,
        Optional.empty(),
        1 << 20,
        TestOrigin.RepoFiles.of().generated("README.md", 2_000).file(GGUF, model.file()));
    operatorNamespace = namespace.sibling("op", RESTRICTED);
    models = namespace.sibling("models", RESTRICTED);
    release = "llmfleet";
  }

  @AfterAll
  void cleanUp() {
    if (node == null) {
      return;
    }
    cluster.helm("uninstall", release, "-n", operatorNamespace.name(), "--wait", "--timeout", "1m");
    models.delete();
    operatorNamespace.delete();
    origin.close();
  }

  @Test
  @Order(1)
  void theChartRunsTheOperatorInAPodOnTheRealNode() throws Exception {
    String[] repositoryAndTag = operatorImage.split(":(?=[^:/]+$)");
    List<String> install =
        new ArrayList<>(
            List.of(
                "install",
                release,
                CHART,
                "-n",
                operatorNamespace.name(),
                "--skip-crds",
                "--wait",
                "--timeout",
                "3m",
                "--set",
                "image.repository=" + repositoryAndTag[0],
                "--set",
                "image.tag=" + repositoryAndTag[1],
                "--set",
                "operator.namespaces={" + models.name() + "}"));
    install.addAll(node.helmPlacement());
    Cluster.Result installed = cluster.helm(install.toArray(String[]::new));
    assertThat(installed.exitCode()).as(installed.output()).isZero();

    Pod pod = operatorPod();
    assertThat(pod.getSpec().getNodeName()).isEqualTo(node.name());
    assertThat(pod.getStatus().getContainerStatuses())
        .allSatisfy(c -> assertThat(c.getReady()).isTrue());
    HttpResponse<String> metrics = get("http://" + pod.getStatus().getPodIP() + ":8080/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("llmfleet_resources");
    Plugin.Outcome version = Plugin.run(cluster.kubeconfig(), "version");
    System.out.println("PLUGIN VERSION\n" + version.stdout().strip());
    assertThat(version.stdout())
        .contains(
            "plugin    ",
            "crd       downloads.llmfleet.dev v1alpha1",
            "(Deployment " + operatorNamespace.name() + "/");
    RealNode.ContainerProcess operator = RealNode.process(pod, "dev.llmfleet.Main").orElseThrow();
    assertRestricted(operator);
  }

  @Test
  @Order(2)
  void aDownloadPodFetchesTheModelOverHttpAndAServerAnswersFromIt() throws Exception {
    // Slow enough for the logs and the cgroup to be read while the pod runs (a few seconds for 98
    // MB).
    origin.rateLimit(24L << 20);
    appliedAtNanos = System.nanoTime();
    create(download("smollm2", http(origin.url() + "/files/" + GGUF, model.sha256())));
    create(server("chat", "smollm2", List.of()));

    RunWatch run = watchUntilSucceeded("smollm2");
    origin.rateLimit(0);

    Download done = models.get("smollm2", Download.class);
    assertThat(done.getStatus().getProgress().getBytesDone()).isEqualTo(model.size());
    assertThat(done.getStatus().getProgress().getVerified()).isTrue();
    // What the downloader read from the GGUF's own header once verified (SmolLM2-135M-Instruct,
    // Q4_1).
    assertThat(done.getStatus().getModel().getFormat().toString()).isEqualToIgnoringCase("gguf");
    assertThat(done.getStatus().getModel().getArchitecture()).isEqualTo("llama");
    assertThat(done.getStatus().getModel().getParameters()).isEqualTo(134_515_008L);
    assertThat(done.getStatus().getModel().getDtype()).isEqualTo("Q4_1");
    assertThat(done.getStatus().getModel().getLayers()).isEqualTo(30);
    assertThat(done.getStatus().getModel().getContextLength()).isEqualTo(8192L);
    assertThat(run.logLines)
        .as("kubectl logs of the download pod")
        .anyMatch(line -> line.matches(".*\\d+%.*"));
    Path onVolume =
        node.volumePath(models.name(), done.getStatus().getClaimName())
            .resolve(done.getStatus().getPath())
            .resolve(GGUF);
    assertThat(FileDigests.sha256(onVolume)).isEqualTo(model.sha256());
  }

  @Test
  @Order(3)
  void theModelServerIsReadyOnTheRealNodeAndAnswersThroughItsService() throws Exception {
    long readyAt = awaitServerPhase("chat", ModelServerPhase.Ready);
    Pod pod = models.podsOf("chat").get(0);
    assertThat(pod.getSpec().getNodeName()).isEqualTo(node.name());

    String answer = chat(serviceUrl("chat"));
    long answeredAt = System.nanoTime();
    assertThat(answer).isNotBlank();
    System.out.println("ANSWER " + answer);
    figure("apply_to_first_answer_seconds", (answeredAt - appliedAtNanos) / 1e9);
    figure("apply_to_server_ready_seconds", (readyAt - appliedAtNanos) / 1e9);
    figure(
        "server_container_start_to_ready_seconds",
        Duration.between(
                Instant.parse(
                    pod.getStatus()
                        .getContainerStatuses()
                        .get(0)
                        .getState()
                        .getRunning()
                        .getStartedAt()),
                Instant.parse(condition(pod, "Ready").getLastTransitionTime()))
            .toSeconds());
    RealNode.ContainerProcess server = RealNode.process(pod, "llama-server").orElseThrow();
    assertRestricted(server);
  }

  @Test
  @Order(4)
  void thePluginChatsWithTheServer() throws Exception {
    Plugin.Outcome chat =
        Plugin.run(
            cluster.kubeconfig(),
            "chat",
            "ms/chat",
            "-n",
            models.name(),
            "--max-tokens",
            "32",
            "What is the capital of France?");
    assertThat(chat.exitCode()).as(chat.stderr()).isZero();
    assertThat(chat.stdout()).isNotBlank();
    System.out.println("PLUGIN CHAT " + chat.stdout().strip());
  }

  @Test
  @Order(5)
  void scaledToTwoBothPodsAnswerAndDeletedThePodsAreGone() throws Exception {
    models
        .client()
        .resources(ModelServer.class)
        .inNamespace(models.name())
        .withName("chat")
        .edit(
            s -> {
              s.getSpec().setReplicas(2);
              return s;
            });
    await()
        .atMost(TIMEOUT)
        .until(() -> models.podsOf("chat").stream().filter(RealNodeE2E::ready).count() == 2);
    for (Pod pod : models.podsOf("chat")) {
      assertThat(chat("http://" + pod.getStatus().getPodIP() + ":8080"))
          .as(pod.getMetadata().getName())
          .isNotBlank();
    }
    models
        .client()
        .resources(ModelServer.class)
        .inNamespace(models.name())
        .withName("chat")
        .delete();
    await().atMost(TIMEOUT).until(() -> models.podsOf("chat").isEmpty());
  }

  @Test
  @Order(6)
  void aDownloadFromTheHubListingLandsWithTheRightBytes() throws Exception {
    create(
        download(
            "smollm2-hub",
            DownloadSource.builder()
                .huggingFace(
                    HuggingFaceSource.builder()
                        .repo(HUB_REPO)
                        .endpoint(origin.url())
                        .include(List.of("*.gguf"))
                        .build())
                .build()));
    long created = System.nanoTime();
    RunWatch run = watchUntilSucceeded("smollm2-hub");
    long succeeded = System.nanoTime();
    figure("download_create_to_succeeded_seconds", (succeeded - created) / 1e9);
    figure("download_pod_running_to_succeeded_seconds", (succeeded - run.runningAt.get()) / 1e9);
    figure(
        "download_mib_per_second_pod_running_to_succeeded",
        model.size() / ((succeeded - run.runningAt.get()) / 1e9) / (1 << 20));
    run.logLines.stream()
        .filter(line -> line.startsWith("fetched "))
        .findFirst()
        .ifPresent(line -> System.out.println("FIGURE download_pod_says " + line));
    figure("download_pod_peak_rss_mib_sampled", run.peakRss.get() / (1 << 20));
    figure("download_pod_peak_memory_with_page_cache_mib", run.peakMemory.get() / (1 << 20));
    Download done = models.get("smollm2-hub", Download.class);
    Path folder =
        node.volumePath(models.name(), done.getStatus().getClaimName())
            .resolve(done.getStatus().getPath());
    assertThat(FileDigests.sha256(folder.resolve(GGUF))).isEqualTo(model.sha256());
    assertThat(folder.resolve("README.md")).doesNotExist();
  }

  @Test
  @Order(7)
  void thePluginWatchesADownloadPodInARealTerminal() throws Exception {
    // About 12 s of moving bars: several of the downloader's reports (every ~2 s).
    origin.rateLimit(8L << 20);
    create(download("watched", http(origin.url() + "/files/" + GGUF, model.sha256())));
    try (Plugin.Tmux tmux =
        Plugin.Tmux.start(
            "llmfleet-watch-" + models.name(),
            120,
            30,
            Map.of("KUBECONFIG", cluster.kubeconfig().toString()),
            "-n",
            models.name(),
            "watch",
            "download",
            "watched")) {
      List<Plugin.Bar> seen = new ArrayList<>();
      List<String> moving = new ArrayList<>();
      String last =
          await()
              .atMost(TIMEOUT)
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () -> {
                    String screen = tmux.capture();
                    Plugin.Bar.on(screen)
                        .filter(bar -> bar.percent() < 100)
                        .ifPresent(
                            bar -> {
                              seen.add(bar);
                              moving.add(screen);
                            });
                    return screen;
                  },
                  screen -> screen.contains("exit="));
      origin.rateLimit(0);

      assertThat(seen).as("bars seen while it moved").hasSizeGreaterThanOrEqualTo(3);
      assertThat(seen.get(seen.size() - 1).percent())
          .as("the bar advances")
          .isGreaterThan(seen.get(0).percent());
      assertThat(seen.get(seen.size() - 1).etaSeconds())
          .as("the ETA falls")
          .isLessThan(seen.get(0).etaSeconds());
      assertThat(last)
          .contains("watched", "100%", "Download watched Succeeded: 1 file", "verified", "exit=0");
      System.out.printf(
          "SCREEN of kubectl llmfleet watch while it moves:%n%s%nSCREEN at the end:%n%s%n",
          moving.get(moving.size() / 2).stripTrailing(), last.stripTrailing());
    }
  }

  @Test
  @Order(8)
  void aKilledDownloadContainerResumesFromTheBytesOnDiskAndThePluginShowsItsLog() throws Exception {
    origin.rateLimit(6L << 20);
    long sentBefore = origin.bytesSent(GGUF);
    create(download("resumed", http(origin.url() + "/files/" + GGUF, model.sha256())));
    Pod first =
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    models.podsOfJob("resumed-run-1").stream()
                        .findFirst()
                        .filter(RealNodeE2E::running)
                        .filter(p -> progress("resumed") > 20L << 20),
                Optional::isPresent)
            .orElseThrow();
    RealNode.ContainerProcess downloader = RealNode.process(first, "download").orElseThrow();
    assertRestricted(downloader);
    Plugin.Outcome logs =
        Plugin.run(cluster.kubeconfig(), "logs", "dl/resumed", "-n", models.name());
    assertThat(logs.exitCode()).as(logs.stderr()).isZero();
    assertThat(logs.stdout().lines())
        .as("kubectl llmfleet logs dl/resumed")
        .anyMatch(l -> l.matches(".*\\d+%.*"));
    long doneAtKill = progress("resumed");
    downloader.kill();

    models.awaitPhase("resumed", DownloadPhase.Succeeded, TIMEOUT);
    origin.rateLimit(0);
    Download done = models.get("resumed", Download.class);
    assertThat(done.getStatus().getRuns()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(done.getStatus().getRuns().get(0).getPhase().toString()).isEqualTo("Failed");
    long fetched = origin.bytesSent(GGUF) - sentBefore;
    // What was on disk is not fetched again: only what was in flight when the container died (the
    // downloader
    // writes in chunks of 256 KiB; the origin sends in slices of 64 KiB).
    assertThat(fetched - model.size())
        .as("bytes fetched twice (%d were done at the kill)", doneAtKill)
        .isBetween(0L, 1L << 20);
    figure("resume_bytes_fetched_twice", fetched - model.size());
    Path onVolume =
        node.volumePath(models.name(), done.getStatus().getClaimName())
            .resolve(done.getStatus().getPath())
            .resolve(GGUF);
    assertThat(FileDigests.sha256(onVolume)).isEqualTo(model.sha256());
  }

  @Test
  @Order(9)
  void aChecksumMismatchFailsAndTheCleanupPodRemovesThePartialData() {
    Download wrong = download("mismatch", http(origin.url() + "/files/" + GGUF, "0".repeat(64)));
    wrong.getSpec().setBackoffLimit(0);
    wrong.getSpec().setGc(DownloadGc.builder().deletePartialData(true).build());
    create(wrong);
    models.awaitPhase("mismatch", DownloadPhase.Failed, TIMEOUT);
    Download failed = models.get("mismatch", Download.class);
    assertThat(Statuses.condition(failed, "Stalled").getReason()).isEqualTo("ChecksumMismatch");
    Path folder =
        node.volumePath(models.name(), failed.getStatus().getClaimName())
            .resolve(failed.getStatus().getPath());
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(folder).doesNotExist());
  }

  @Test
  @Order(10)
  void aServerWithABadArgumentCrashLoopsAndShowsDegradedWithItsLastMessage() {
    create(server("bad-args", "smollm2", List.of("--no-such-flag")));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ModelServer server = models.get("bad-args", ModelServer.class);
              assertThat(server.getStatus()).isNotNull();
              assertThat(server.getStatus().getPhase()).isEqualTo(ModelServerPhase.Degraded);
              assertThat(Statuses.condition(server, "Ready").getMessage()).contains("no-such-flag");
            });
  }

  @Test
  @Order(11)
  void theOperatorPodStaysWithinItsChartLimits() {
    Pod pod = operatorPod();
    long limit =
        pod.getSpec()
            .getContainers()
            .get(0)
            .getResources()
            .getLimits()
            .get("memory")
            .getNumericalAmount()
            .longValue();
    long peak = RealNode.peakMemoryBytes(pod).orElseThrow();
    figure("operator_peak_memory_mib", peak / (1 << 20));
    figure("operator_memory_mib", RealNode.memoryBytes(pod).orElseThrow() / (1 << 20));
    figure("operator_rss_mib", RealNode.rssBytes(pod).orElseThrow() / (1 << 20));
    figure("operator_memory_limit_mib", limit / (1 << 20));
    assertThat(peak).isLessThan(limit);
    assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
  }

  /**
   * What runc applied, seen from the kernel: a non-root user, no capabilities, seccomp, a read-only
   * root.
   */
  private static void assertRestricted(RealNode.ContainerProcess process) {
    assertThat(process.status("Uid")).as("uid of pid %d", process.pid()).startsWith("65532");
    assertThat(process.status("Seccomp")).as("seccomp mode (2 = filter)").isEqualTo("2");
    assertThat(process.status("NoNewPrivs")).isEqualTo("1");
    assertThat(process.status("CapEff")).isEqualTo("0000000000000000");
    assertThat(process.rootMountOptions()).startsWith("ro");
  }

  private Download download(String name, DownloadSource source) {
    Download download = new Download();
    download.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(models.name()).build());
    download.setSpec(
        DownloadSpec.builder()
            .source(source)
            .storage(
                Storage.builder()
                    .size(new Quantity("1Gi"))
                    .storageClassName(node.storageClass())
                    .build())
            .nodeSelector(node.nodeSelector())
            .tolerations(node.tolerations())
            .build());
    return download;
  }

  private static DownloadSource http(String url, String sha256) {
    return DownloadSource.builder()
        .http(HttpSource.builder().url(url).sha256(sha256).build())
        .build();
  }

  private ModelServer server(String name, String download, List<String> args) {
    ModelServer server = new ModelServer();
    server.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(models.name()).build());
    server.setSpec(
        ModelServerSpec.builder()
            .runtime(Runtime.LLAMA_CPP)
            .image(RealNode.LLAMA_SERVER_IMAGE)
            .model(ModelSource.builder().downloadRef(new LocalRef(download)).file(GGUF).build())
            .resources(
                Resources.builder()
                    .gpus(0)
                    .cpu(new Quantity("500m"))
                    .memory(new Quantity("512Mi"))
                    .build())
            .args(args.isEmpty() ? null : args)
            .nodeSelector(node.nodeSelector())
            .tolerations(node.tolerations())
            .build());
    return server;
  }

  private void create(Download download) {
    models.client().resource(download).create();
  }

  private void create(ModelServer server) {
    models.client().resource(server).create();
  }

  private long progress(String download) {
    Download current = models.get(download, Download.class);
    return current == null
            || current.getStatus() == null
            || current.getStatus().getProgress() == null
            || current.getStatus().getProgress().getBytesDone() == null
        ? 0
        : current.getStatus().getProgress().getBytesDone();
  }

  private long awaitServerPhase(String name, ModelServerPhase phase) {
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              ModelServer server = models.get(name, ModelServer.class);
              return server.getStatus() != null && server.getStatus().getPhase() == phase;
            });
    return System.nanoTime();
  }

  /**
   * What a test sees of a Download's first run while it goes: its pod's peak memory, logs, reported
   * rate.
   */
  private static final class RunWatch {
    final AtomicLong peakMemory = new AtomicLong();
    final AtomicLong peakRss = new AtomicLong();
    final AtomicLong runningAt = new AtomicLong();
    final List<String> logLines = new ArrayList<>();
  }

  private RunWatch watchUntilSucceeded(String download) {
    RunWatch run = new RunWatch();
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              models.podsOfJob(download + "-run-1").stream()
                  .findFirst()
                  .ifPresent(
                      pod -> {
                        if (running(pod)) {
                          run.runningAt.compareAndSet(0, System.nanoTime());
                        }
                        RealNode.peakMemoryBytes(pod)
                            .ifPresent(bytes -> run.peakMemory.accumulateAndGet(bytes, Math::max));
                        RealNode.rssBytes(pod)
                            .ifPresent(bytes -> run.peakRss.accumulateAndGet(bytes, Math::max));
                        Cluster.Result log = models.kubectl("logs", pod.getMetadata().getName());
                        if (log.exitCode() == 0 && !log.output().isBlank()) {
                          run.logLines.clear();
                          run.logLines.addAll(log.output().lines().toList());
                        }
                      });
              Download current = models.get(download, Download.class);
              return current.getStatus() != null
                  && current.getStatus().getPhase() == DownloadPhase.Succeeded;
            });
    return run;
  }

  private Pod operatorPod() {
    return operatorNamespace
        .client()
        .pods()
        .inNamespace(operatorNamespace.name())
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .findFirst()
        .orElseThrow();
  }

  private static boolean running(Pod pod) {
    return "Running".equals(pod.getStatus().getPhase());
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private String serviceUrl(String server) {
    Service service = models.get(server, Service.class);
    return "http://"
        + service.getSpec().getClusterIP()
        + ":"
        + service.getSpec().getPorts().get(0).getPort();
  }

  /** POST /v1/chat/completions; returns the answer's text after checking the response is a 200. */
  private String chat(String baseUrl) throws Exception {
    String body =
        JSON.writeValueAsString(
            Map.of(
                "model",
                "chat",
                "max_tokens",
                24,
                "temperature",
                0,
                "messages",
                List.of(Map.of("role", "user", "content", "What is the capital of France?"))));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).at("/choices/0/message/content").asText();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static io.fabric8.kubernetes.api.model.PodCondition condition(Pod pod, String type) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  private static void figure(String name, Object value) {
    System.out.println("FIGURE " + name + " " + value);
  }
}
