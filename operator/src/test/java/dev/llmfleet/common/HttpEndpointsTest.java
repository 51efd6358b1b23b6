package dev.llmfleet.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicReference<Optional<String>> notReady =
      new AtomicReference<>(Optional.of("operator is starting"));
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger refreshes = new AtomicInteger();
  private HttpEndpoints endpoints;

  @BeforeEach
  void start() throws Exception {
    endpoints = HttpEndpoints.start(0, notReady::get, registry, refreshes::incrementAndGet);
  }

  @AfterEach
  void stop() {
    endpoints.close();
  }

  @Test
  void healthzAnswersWhileTheProcessLives() throws Exception {
    HttpResponse<String> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void readyzFollowsTheReadiness() throws Exception {
    HttpResponse<String> starting = get("/readyz");
    assertThat(starting.statusCode()).isEqualTo(503);
    assertThat(starting.body()).contains("operator is starting");

    notReady.set(Optional.empty());

    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsServesThePrometheusTextFormat() throws Exception {
    Counter.builder("llmfleet.test.events").register(registry).increment();

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body()).contains("llmfleet_test_events_total 1.0");
  }

  @Test
  void metricsComputedAtScrapeTimeAreRefreshedFirst() throws Exception {
    registry.gauge("llmfleet.test.refreshes", refreshes);

    assertThat(get("/metrics").body()).contains("llmfleet_test_refreshes 1.0");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(refreshes).as("only /metrics refreshes").hasValue(1);
  }

  @Test
  void unknownPathsAreNotFound() throws Exception {
    assertThat(get("/healthzz").statusCode()).isEqualTo(404);
    assertThat(get("/").statusCode()).isEqualTo(404);
  }

  @Test
  void onlyGetIsAllowed() throws Exception {
    HttpRequest post =
        HttpRequest.newBuilder(uri("/healthz")).POST(HttpRequest.BodyPublishers.noBody()).build();

    assertThat(client.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + endpoints.port() + path);
  }
}
