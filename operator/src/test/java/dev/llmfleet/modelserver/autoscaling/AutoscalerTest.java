package dev.llmfleet.modelserver.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.llmfleet.api.v1alpha1.Autoscaling;
import dev.llmfleet.api.v1alpha1.AutoscalingMetric;
import dev.llmfleet.api.v1alpha1.AutoscalingStatus;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.modelserver.autoscaling.MetricsScraper.PodLoad;
import dev.llmfleet.modelserver.runtimes.ServerRuntimes;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AutoscalerTest {

  static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  private HttpServer http;

  static ModelServer server(
      Runtime runtime, AutoscalingMetric metric, double target, int down, Integer replicas) {
    ModelServer server = new ModelServer();
    server.setMetadata(
        new ObjectMetaBuilder()
            .withName("chat")
            .withNamespace("models")
            .withUid("u-1")
            .withGeneration(1L)
            .build());
    server.setSpec(
        ModelServerSpec.builder()
            .runtime(runtime)
            .model(ModelSource.builder().uri("hf://org/model").build())
            .replicas(replicas)
            .autoscaling(
                Autoscaling.builder()
                    .minReplicas(1)
                    .maxReplicas(4)
                    .metric(metric)
                    .targetPerReplica(target)
                    .scaleUpStabilizationSeconds(0)
                    .scaleDownStabilizationSeconds(down)
                    .build())
            .build());
    return server;
  }

  static Pod pod(String name, String ip, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withPodIP(ip)
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  @Test
  void scaleUpFromTheRecordedLlamaServerPageMakesAnEventAndAStatus() throws IOException {
    ModelServer server = server(Runtime.LLAMA_CPP, AutoscalingMetric.WAITING, 1, 20, 1);
    PodLoad load =
        MetricsScraper.read(
            "chat-0",
            200,
            PrometheusTextTest.page("llamacpp-busy-parallel1-4requests.txt"),
            ServerRuntimes.of(Runtime.LLAMA_CPP).loadMetrics().orElseThrow(),
            AutoscalingMetric.WAITING);

    Autoscaler.Outcome outcome = Autoscaler.decide(server, 1, List.of(load), List.of(), null, T0);

    assertThat(outcome.decision().replicas()).isEqualTo(3);
    assertThat(outcome.decision().event())
        .hasValue(
            new Autoscaler.ScaleEvent(
                "ScaledUp", "from 1 to 3 replicas: waiting 3.0 per ready pod, target 1.0"));
    AutoscalingStatus status = outcome.decision().status();
    assertThat(status.getMetric()).isEqualTo("waiting (llamacpp:requests_deferred)");
    assertThat(status.getObserved()).isEqualTo(3.0);
    assertThat(status.getDesiredReplicas()).isEqualTo(3);
    assertThat(status.getPodsScraped()).isEqualTo(1);
    assertThat(status.getPodsFailed()).isZero();
    assertThat(status.getLastScaleTime()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(status.getMessage())
        .isEqualTo(
            "recommended 3 (waiting 3.0 per ready pod, target 1.0); the operator "
                + "sets the replica count while spec.autoscaling is set, spec.replicas (1) is ignored");
    assertThat(outcome.history()).containsExactly(new ScalingRule.Recommendation(T0, 3));
  }

  @Test
  void aSteadyLoadGivesTheSameStatusSoNothingIsWritten() {
    ModelServer server = server(Runtime.VLLM, AutoscalingMetric.KV_CACHE, 0.5, 300, null);
    List<PodLoad> first = List.of(load("a", 0.5012), load("b", 0.4991));
    List<PodLoad> second = List.of(load("a", 0.4987), load("b", 0.5031));

    Autoscaler.Outcome one = Autoscaler.decide(server, 2, first, List.of(), null, T0);
    Autoscaler.Outcome two =
        Autoscaler.decide(
            server, 2, second, one.history(), one.decision().status(), T0.plusSeconds(15));

    assertThat(one.decision().event()).isEmpty();
    assertThat(two.decision().status()).isEqualTo(one.decision().status());
    assertThat(two.decision().status().getObserved()).isEqualTo(0.5);
    assertThat(two.decision().status().getMetric())
        .isEqualTo("kvCache (vllm:kv_cache_usage_perc or vllm:gpu_cache_usage_perc)");
  }

  @Test
  void lastScaleTimeStaysUntilTheNextChange() {
    ModelServer server = server(Runtime.SGLANG, AutoscalingMetric.RUNNING, 8, 300, null);
    AutoscalingStatus before =
        AutoscalingStatus.builder().lastScaleTime("2026-11-27T09:00:00Z").build();

    Autoscaler.Outcome held =
        Autoscaler.decide(server, 2, List.of(load("a", 8), load("b", 8.5)), List.of(), before, T0);

    assertThat(held.decision().replicas()).isEqualTo(2);
    assertThat(held.decision().status().getLastScaleTime()).isEqualTo("2026-11-27T09:00:00Z");
    assertThat(held.decision().status().getMessage()).startsWith("within tolerance");
  }

  @Test
  void failedPodsAreCountedAndLeftOut() {
    ModelServer server = server(Runtime.TGI, AutoscalingMetric.WAITING, 2, 0, null);
    List<PodLoad> loads =
        List.of(load("a", 6), PodLoad.failed("b", "no answer within 2000 ms"), load("c", 6));

    Autoscaler.Decision decision =
        Autoscaler.decide(server, 3, loads, List.of(), null, T0).decision();

    // ceil(2 measured x 6 / 2) = 6, capped at 4.
    assertThat(decision.replicas()).isEqualTo(4);
    assertThat(decision.status().getPodsScraped()).isEqualTo(2);
    assertThat(decision.status().getPodsFailed()).isEqualTo(1);
    assertThat(decision.status().getMessage())
        .contains("capped at maxReplicas 4")
        .contains("1 of 3 ready pods left out, first b: no answer within 2000 ms");
    assertThat(decision.event().orElseThrow().reason()).isEqualTo("ScaledUp");
  }

  @Test
  void scaleDownEventAndNoObservedWithoutPods() {
    ModelServer server = server(Runtime.VLLM, AutoscalingMetric.RUNNING, 4, 0, null);

    Autoscaler.Decision down =
        Autoscaler.decide(
                server, 3, List.of(load("a", 1), load("b", 0), load("c", 0)), List.of(), null, T0)
            .decision();
    assertThat(down.replicas()).isEqualTo(1);
    assertThat(down.event().orElseThrow())
        .isEqualTo(
            new Autoscaler.ScaleEvent(
                "ScaledDown", "from 3 to 1 replicas: running 0.3 per ready pod, target 4.0"));

    Autoscaler.Decision none =
        Autoscaler.decide(server, 2, List.of(), List.of(), null, T0).decision();
    assertThat(none.replicas()).isEqualTo(2);
    assertThat(none.status().getObserved()).isNull();
    assertThat(none.status().getMessage())
        .startsWith("no ready pod could be measured: holding 2 replicas");
  }

  @Test
  void onlyReadyPodsWithAnAddressAreScrapedInNameOrder() {
    ModelServer server = server(Runtime.LLAMA_CPP, AutoscalingMetric.WAITING, 1, 0, null);
    Pod leaving = pod("chat-d", "10.0.0.4", true);
    leaving.getMetadata().setDeletionTimestamp("2026-11-27T09:59:00Z");

    List<MetricsScraper.Target> targets =
        Autoscaler.targets(
            server,
            List.of(
                pod("chat-c", "10.0.0.3", true),
                pod("chat-a", "10.0.0.1", true),
                pod("chat-b", "10.0.0.2", false),
                pod("chat-e", null, true),
                leaving,
                pod("chat-f", "fd00::6", true)),
            ServerRuntimes.of(Runtime.LLAMA_CPP).loadMetrics().orElseThrow());

    assertThat(targets)
        .extracting(t -> t.uri().toString())
        .containsExactly(
            "http://10.0.0.1:8080/metrics",
            "http://10.0.0.3:8080/metrics",
            "http://[fd00::6]:8080/metrics");
  }

  @Test
  void roundsCountsToATenthAndSharesToAHundredth() {
    assertThat(Autoscaler.round(2.349, AutoscalingMetric.WAITING)).isEqualTo(2.3);
    assertThat(Autoscaler.round(0.6234567, AutoscalingMetric.KV_CACHE)).isEqualTo(0.62);
  }

  @Test
  void evaluateScrapesThePodsReusesAFreshScrapeAndForgets() throws IOException {
    AtomicReference<String> page =
        new AtomicReference<>(PrometheusTextTest.page("llamacpp-busy-parallel1-4requests.txt"));
    AtomicInteger scrapes = new AtomicInteger();
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/metrics",
        exchange -> {
          scrapes.incrementAndGet();
          byte[] body = page.get().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    http.start();
    ModelServer server = server(Runtime.LLAMA_CPP, AutoscalingMetric.WAITING, 1, 20, null);
    server.getSpec().setPort(http.getAddress().getPort());
    Autoscaler autoscaler = new Autoscaler(new MetricsScraper(Duration.ofSeconds(2)));
    List<Pod> pods = List.of(pod("chat-a", "127.0.0.1", true));

    Autoscaler.Decision up = autoscaler.evaluate(server, Optional.of(1), pods, T0);
    assertThat(up.replicas()).isEqualTo(3);
    assertThat(up.event()).isPresent();

    // A reconcile soon after (our own status patch, a pod event) uses the same scrape and makes no
    // second event.
    Autoscaler.Decision again =
        autoscaler.evaluate(server, Optional.of(1), pods, T0.plusSeconds(2));
    assertThat(again.replicas()).isEqualTo(3);
    assertThat(again.event()).isEmpty();
    assertThat(scrapes).hasValue(1);

    // The load ends: the scale-down window (20 s) holds 3 until the recommendation of T0 has aged
    // out. The
    // autoscaler's own count, not the cached Deployment's 1, is the current one.
    page.set(PrometheusTextTest.page("llamacpp-idle.txt"));
    assertThat(autoscaler.evaluate(server, Optional.of(1), pods, T0.plusSeconds(15)).replicas())
        .isEqualTo(3);
    Autoscaler.Decision down =
        autoscaler.evaluate(server, Optional.of(3), pods, T0.plusSeconds(30));
    assertThat(down.replicas()).isEqualTo(1);
    assertThat(down.event().orElseThrow().reason()).isEqualTo("ScaledDown");
    assertThat(scrapes).hasValue(3);

    autoscaler.forget(server);
    assertThat(
            autoscaler.evaluate(server, Optional.of(2), List.of(), T0.plusSeconds(31)).replicas())
        .isEqualTo(2);
  }

  static PodLoad load(String pod, double value) {
    return new PodLoad(pod, OptionalDouble.of(value), Optional.empty());
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.stop(0);
    }
  }
}
