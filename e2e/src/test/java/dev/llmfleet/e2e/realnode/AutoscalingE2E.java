package dev.llmfleet.e2e.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmfleet.LlmFleetOperator;
import dev.llmfleet.api.v1alpha1.Autoscaling;
import dev.llmfleet.api.v1alpha1.AutoscalingMetric;
import dev.llmfleet.api.v1alpha1.AutoscalingStatus;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.e2e.origin.TestOrigin;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.InProcessOperator;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.RealNode;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Autoscaling on a real load signal, on the cluster's real node: a llama.cpp ModelServer of SmolLM2
 * with one slot ({@code --parallel 1}) scaled on {@code waiting} (llamacpp:requests_deferred) with
 * a target of 1 per replica. A bounded load generator (a fixed number of concurrent chat requests
 * for a fixed time, only to the Service's ClusterIP) makes requests queue; replicas go up, and
 * after the load and the scale-down window (20 s here) they go back to minReplicas. The operator
 * runs in this JVM, on the host, which reaches pod IPs on the node's bridge directly, as an
 * operator pod reaches them over the pod network. The timeline is printed as {@code TIMELINE t=..s
 * replicas=.. observed=..} lines.
 */
@ExtendWith(LlmFleetExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoscalingE2E {

  private static final String GGUF = "smollm2-135m-instruct-q4_1.gguf";
  private static final Duration TIMEOUT = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Concurrent requests against one slot per server: three of four wait on a single replica. */
  private static final int CONCURRENT_REQUESTS = 4;

  private static final Duration LOAD_TIME = Duration.ofSeconds(90);
  private static final int MAX_REPLICAS = 3;
  private static final int SCALE_DOWN_WINDOW_SECONDS = 20;

  private final TestNamespace namespace;
  private final Cluster cluster;
  private final InProcessOperator extensionOperator;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private RealNode node;
  private RealNode.Model model;
  private TestOrigin origin;
  private Operator operator;

  AutoscalingE2E(TestNamespace namespace, Cluster cluster, InProcessOperator extensionOperator) {
    this.namespace = namespace;
    this.cluster = cluster;
    this.extensionOperator = extensionOperator;
  }

  @BeforeAll
  void realNodeOriginAndOperator() throws IOException {
    Optional<RealNode> realNode = RealNode.of(cluster);
    Assumptions.assumeTrue(realNode.isPresent(), "the cluster has no real node");
    node = realNode.orElseThrow();
    model = RealNode.smolLm2();
    origin = TestOrigin.start(InetAddress.getByName(node.ip()));
    String image = node.prepareForSmolLm2(origin, GGUF, model);
    // The extension's operator gives download pods an image the real node does not have; this one
    // gives them the
    // operator image just loaded there. Same namespace, same classes, in this JVM.
    extensionOperator.stop();
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "LLMFLEET_NAMESPACES",
                namespace.name(),
                "LLMFLEET_LEADER_ELECTION",
                "false",
                "LLMFLEET_IMAGE",
                image));
    operator =
        LlmFleetOperator.create(
            cluster.client(),
            config,
            new SimpleMeterRegistry(),
            overrider -> overrider.withCloseClientOnStop(false));
    operator.start();
  }

  @AfterAll
  void cleanUp() {
    if (operator != null) {
      operator.stop();
    }
    if (origin != null) {
      origin.close();
    }
  }

  @Test
  void replicasGoUpUnderQueuedRequestsAndBackToMinReplicasAfterTheWindow() throws Exception {
    namespace.client().resource(download()).create();
    namespace.client().resource(server()).create();
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              Download d = namespace.get("smollm2", Download.class);
              return d.getStatus() != null && d.getStatus().getPhase() == DownloadPhase.Succeeded;
            });
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              ModelServer s = current();
              return s.getStatus() != null && s.getStatus().getPhase() == ModelServerPhase.Ready;
            });
    assertThat(deploymentReplicas()).isEqualTo(1);

    long start = System.nanoTime();
    List<String> timeline = new ArrayList<>();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> sample(start, timeline), 0, 2, TimeUnit.SECONDS);
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    int peak;
    try {
      String url = serviceUrl();
      long loadEnds = System.nanoTime() + LOAD_TIME.toNanos();
      ExecutorService load = Executors.newFixedThreadPool(CONCURRENT_REQUESTS);
      List<Future<?>> clients = new ArrayList<>();
      for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
        clients.add(
            load.submit(
                () -> {
                  while (System.nanoTime() < loadEnds) {
                    try {
                      (chat(url) ? answered : failed).incrementAndGet();
                    } catch (IOException e) {
                      failed.incrementAndGet();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                  }
                }));
      }
      await()
          .atMost(LOAD_TIME)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> deploymentReplicas() >= 2);
      for (Future<?> client : clients) {
        client.get(LOAD_TIME.toSeconds() + 120, TimeUnit.SECONDS);
      }
      load.shutdown();
      synchronized (timeline) {
        peak = timeline.stream().mapToInt(AutoscalingE2E::replicasOf).max().orElse(0);
      }
      System.out.println(
          "TIMELINE load ended at t="
              + (System.nanoTime() - start) / 1_000_000_000
              + "s answered="
              + answered
              + " failed="
              + failed);

      // The window holds the count for 20 s after the last high recommendation; the sync period (15
      // s) and a
      // pod's termination come on top.
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> deploymentReplicas() == 1 && readyPods() == 1);
    } finally {
      sampler.shutdownNow();
      sample(start, timeline);
    }

    assertThat(answered.get()).as("chat requests answered").isPositive();
    assertThat(peak).as("replicas under load").isBetween(2, MAX_REPLICAS);
    AutoscalingStatus status = current().getStatus().getAutoscaling();
    assertThat(status.getDesiredReplicas()).isEqualTo(1);
    assertThat(status.getMetric()).isEqualTo("waiting (llamacpp:requests_deferred)");
    assertThat(status.getLastScaleTime()).isNotNull();
    assertThat(namespace.events("auto"))
        .extracting(Event::getReason)
        .contains("ScaledUp", "ScaledDown");
    System.out.println("FIGURE autoscaling_peak_replicas " + peak);
  }

  private void sample(long start, List<String> timeline) {
    try {
      ModelServer s = current();
      AutoscalingStatus status = s.getStatus() == null ? null : s.getStatus().getAutoscaling();
      String line =
          "TIMELINE t="
              + (System.nanoTime() - start) / 1_000_000_000
              + "s replicas="
              + deploymentReplicas()
              + " ready="
              + readyPods()
              + " observed="
              + (status == null ? null : status.getObserved())
              + " desired="
              + (status == null ? null : status.getDesiredReplicas());
      synchronized (timeline) {
        timeline.add(line);
      }
      System.out.println(line);
    } catch (RuntimeException e) {
      System.out.println("TIMELINE sample failed: " + e);
    }
  }

  private static int replicasOf(String line) {
    int at = line.indexOf(" replicas=");
    if (at < 0) {
      return 0;
    }
    String rest = line.substring(at + " replicas=".length());
    return Integer.parseInt(rest.substring(0, rest.indexOf(' ')));
  }

  private Download download() {
    Download download = new Download();
    download.setMetadata(
        new ObjectMetaBuilder().withName("smollm2").withNamespace(namespace.name()).build());
    download.setSpec(
        DownloadSpec.builder()
            .source(
                DownloadSource.builder()
                    .http(
                        HttpSource.builder()
                            .url(origin.url() + "/files/" + GGUF)
                            .sha256(model.sha256())
                            .build())
                    .build())
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

  private ModelServer server() {
    ModelServer server = new ModelServer();
    server.setMetadata(
        new ObjectMetaBuilder().withName("auto").withNamespace(namespace.name()).build());
    server.setSpec(
        ModelServerSpec.builder()
            .runtime(Runtime.LLAMA_CPP)
            .image(RealNode.LLAMA_SERVER_IMAGE)
            .model(ModelSource.builder().downloadRef(new LocalRef("smollm2")).file(GGUF).build())
            .resources(
                Resources.builder()
                    .gpus(0)
                    .cpu(new Quantity("500m"))
                    .memory(new Quantity("512Mi"))
                    .build())
            // One slot: a second concurrent request waits (llamacpp:requests_deferred).
            .args(List.of("--parallel", "1"))
            .autoscaling(
                Autoscaling.builder()
                    .minReplicas(1)
                    .maxReplicas(MAX_REPLICAS)
                    .metric(AutoscalingMetric.WAITING)
                    .targetPerReplica(1.0)
                    .scaleUpStabilizationSeconds(0)
                    .scaleDownStabilizationSeconds(SCALE_DOWN_WINDOW_SECONDS)
                    .build())
            .nodeSelector(node.nodeSelector())
            .tolerations(node.tolerations())
            .build());
    return server;
  }

  private ModelServer current() {
    return namespace.get("auto", ModelServer.class);
  }

  private int deploymentReplicas() {
    Deployment deployment = namespace.get("auto", Deployment.class);
    return deployment == null || deployment.getSpec().getReplicas() == null
        ? 0
        : deployment.getSpec().getReplicas();
  }

  private long readyPods() {
    return namespace.podsOf("auto").stream()
        .filter(
            p ->
                p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .count();
  }

  /**
   * The Service's ClusterIP: the load goes only there, and kube-proxy spreads it over the ready
   * pods.
   */
  private String serviceUrl() {
    Service service = namespace.get("auto", Service.class);
    return "http://"
        + service.getSpec().getClusterIP()
        + ":"
        + service.getSpec().getPorts().get(0).getPort();
  }

  /** One chat completion long enough to hold the slot for a while; true on a 200. */
  private boolean chat(String baseUrl) throws IOException, InterruptedException {
    String body =
        JSON.writeValueAsString(
            Map.of(
                "model",
                "auto",
                "max_tokens",
                96,
                "temperature",
                0.7,
                "messages",
                List.of(
                    Map.of(
                        "role", "user", "content", "Tell me a story about a lighthouse keeper."))));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200;
  }
}
