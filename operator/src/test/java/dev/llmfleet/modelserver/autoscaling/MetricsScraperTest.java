package dev.llmfleet.modelserver.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.llmfleet.api.v1alpha1.AutoscalingMetric;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.modelserver.autoscaling.MetricsScraper.PodLoad;
import dev.llmfleet.modelserver.runtimes.LoadMetrics;
import dev.llmfleet.modelserver.runtimes.ServerRuntimes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The recorded pages of each runtime read through the runtime's own names: llamacpp-*.txt were
 * recorded from the llama-server the e2e node runs (llama-cpp-python 0.3.36's llama.cpp, --parallel
 * 1, 4 concurrent chat requests); the vLLM, SGLang and TGI pages are written after their documented
 * output, with their metric names and labels.
 */
class MetricsScraperTest {

  private HttpServer server;

  static LoadMetrics metrics(Runtime runtime) {
    return ServerRuntimes.of(runtime).loadMetrics().orElseThrow();
  }

  static PodLoad read(String page, Runtime runtime, AutoscalingMetric metric) throws IOException {
    return MetricsScraper.read(
        "pod-a", 200, PrometheusTextTest.page(page), metrics(runtime), metric);
  }

  @Test
  void eachRuntimesRecordedPage() throws IOException {
    assertThat(
            read(
                    "llamacpp-busy-parallel1-4requests.txt",
                    Runtime.LLAMA_CPP,
                    AutoscalingMetric.WAITING)
                .value())
        .hasValue(3);
    assertThat(
            read(
                    "llamacpp-busy-parallel1-4requests.txt",
                    Runtime.LLAMA_CPP,
                    AutoscalingMetric.RUNNING)
                .value())
        .hasValue(1);
    assertThat(read("llamacpp-idle.txt", Runtime.LLAMA_CPP, AutoscalingMetric.WAITING).value())
        .hasValue(0);
    assertThat(read("vllm-v1-busy.txt", Runtime.VLLM, AutoscalingMetric.RUNNING).value())
        .hasValue(7);
    assertThat(read("vllm-v1-busy.txt", Runtime.VLLM, AutoscalingMetric.WAITING).value())
        .hasValue(3);
    assertThat(read("vllm-v1-busy.txt", Runtime.VLLM, AutoscalingMetric.KV_CACHE).value())
        .hasValue(0.6234567);
    assertThat(read("vllm-v0-busy.txt", Runtime.VLLM, AutoscalingMetric.KV_CACHE).value())
        .hasValue(0.91);
    assertThat(read("sglang-busy.txt", Runtime.SGLANG, AutoscalingMetric.RUNNING).value())
        .hasValue(24);
    assertThat(read("sglang-busy.txt", Runtime.SGLANG, AutoscalingMetric.WAITING).value())
        .hasValue(9);
    assertThat(read("sglang-busy.txt", Runtime.SGLANG, AutoscalingMetric.KV_CACHE).value())
        .hasValue(0.42);
    assertThat(read("tgi-busy.txt", Runtime.TGI, AutoscalingMetric.RUNNING).value()).hasValue(16);
    assertThat(read("tgi-busy.txt", Runtime.TGI, AutoscalingMetric.WAITING).value()).hasValue(6);
  }

  @Test
  void aMissingMetricOrABadPageIsAFailureThatSaysWhy() throws IOException {
    PodLoad noKvCache =
        read(
            "llamacpp-busy-parallel1-4requests.txt", Runtime.LLAMA_CPP, AutoscalingMetric.KV_CACHE);
    assertThat(noKvCache.value()).isEmpty();
    assertThat(noKvCache.failure())
        .hasValue(
            "/metrics has no llamacpp:kv_cache_usage_ratio (this server version "
                + "does not export it)");
    assertThat(read("broken.txt", Runtime.LLAMA_CPP, AutoscalingMetric.WAITING).failure())
        .get()
        .asString()
        .startsWith("/metrics is not Prometheus text: line 3");
    assertThat(
            MetricsScraper.read(
                    "pod-a",
                    501,
                    "Not Implemented",
                    metrics(Runtime.LLAMA_CPP),
                    AutoscalingMetric.WAITING)
                .failure())
        .hasValue("/metrics answered HTTP 501");
  }

  @Test
  void scrapesAllPodsAtOnceAndLeavesOutTheSlowOnes() throws IOException {
    String page = PrometheusTextTest.page("llamacpp-busy-parallel1-4requests.txt");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext(
        "/fast/metrics",
        exchange -> {
          byte[] body = page.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.createContext(
        "/slow/metrics",
        exchange -> {
          try {
            Thread.sleep(1500);
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          } catch (InterruptedException | IOException e) {
            Thread.currentThread().interrupt();
          } finally {
            exchange.close();
          }
        });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    MetricsScraper scraper = new MetricsScraper(Duration.ofMillis(400));
    List<MetricsScraper.Target> targets =
        List.of(
            new MetricsScraper.Target("fast-1", URI.create(base + "/fast/metrics")),
            new MetricsScraper.Target("slow-1", URI.create(base + "/slow/metrics")),
            new MetricsScraper.Target("slow-2", URI.create(base + "/slow/metrics")),
            new MetricsScraper.Target("slow-3", URI.create(base + "/slow/metrics")),
            new MetricsScraper.Target("missing", URI.create(base + "/nothing/metrics")),
            new MetricsScraper.Target("refused", URI.create("http://127.0.0.1:1/metrics")));

    long started = System.nanoTime();
    List<PodLoad> loads =
        scraper.scrape(targets, metrics(Runtime.LLAMA_CPP), AutoscalingMetric.WAITING);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    // Three slow pods serially would take 1.2 s of timeouts; at once, one timeout.
    assertThat(took).isLessThan(Duration.ofMillis(1000));
    assertThat(loads)
        .extracting(PodLoad::pod)
        .containsExactly("fast-1", "slow-1", "slow-2", "slow-3", "missing", "refused");
    assertThat(loads.get(0).value()).hasValue(3);
    assertThat(loads.subList(1, 4))
        .allSatisfy(l -> assertThat(l.failure()).hasValue("no answer within 400 ms"));
    assertThat(loads.get(4).failure()).hasValue("/metrics answered HTTP 404");
    assertThat(loads.get(5).failure()).get().asString().contains("ConnectException");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
