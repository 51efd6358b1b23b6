package dev.llmfleet.modelserver.autoscaling;

import dev.llmfleet.api.v1alpha1.AutoscalingMetric;
import dev.llmfleet.modelserver.runtimes.LoadMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Reads the metrics pages of a server's ready pods, all at once, each within {@link #timeout}: a
 * scrape of any number of pods takes at most about one timeout, and a pod that does not answer in
 * time, answers with an error or with a page that is not Prometheus text or lacks the metric is
 * reported as failed, not waited for.
 */
public final class MetricsScraper {

  /** One pod to read: its name (for messages) and the URL of its metrics page. */
  public record Target(String pod, URI uri) {}

  /** What one pod said: its metric's value, or why there is none. */
  public record PodLoad(String pod, OptionalDouble value, Optional<String> failure) {

    static PodLoad of(String pod, double value) {
      return new PodLoad(pod, OptionalDouble.of(value), Optional.empty());
    }

    static PodLoad failed(String pod, String why) {
      return new PodLoad(pod, OptionalDouble.empty(), Optional.of(why));
    }
  }

  private final HttpClient client;
  private final Duration timeout;

  public MetricsScraper(Duration timeout) {
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public Duration timeout() {
    return timeout;
  }

  /** Every target's load, in the targets' order. */
  public List<PodLoad> scrape(List<Target> targets, LoadMetrics metrics, AutoscalingMetric metric) {
    List<CompletableFuture<PodLoad>> pending =
        targets.stream()
            .map(
                target ->
                    client
                        .sendAsync(
                            HttpRequest.newBuilder(target.uri())
                                .timeout(timeout)
                                .header("Accept", "text/plain;version=0.0.4")
                                .GET()
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        // The request's timeout ends the wait for the headers; this one ends a body
                        // that trickles in too.
                        .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                        .handle(
                            (response, error) ->
                                error != null
                                    ? PodLoad.failed(target.pod(), describe(error))
                                    : read(
                                        target.pod(),
                                        response.statusCode(),
                                        response.body(),
                                        metrics,
                                        metric)))
            .toList();
    return pending.stream().map(CompletableFuture::join).toList();
  }

  /** A pod's load from its answer: pure, for the recorded pages of each runtime. */
  public static PodLoad read(
      String pod, int statusCode, String page, LoadMetrics metrics, AutoscalingMetric metric) {
    if (statusCode != 200) {
      return PodLoad.failed(pod, metrics.path() + " answered HTTP " + statusCode);
    }
    List<PrometheusText.Sample> samples;
    try {
      samples = PrometheusText.parse(page);
    } catch (PrometheusText.ParseException e) {
      return PodLoad.failed(pod, metrics.path() + " is not Prometheus text: " + e.getMessage());
    }
    List<String> names = metrics.namesOf(metric);
    OptionalDouble value =
        PrometheusText.value(samples, names, metric == AutoscalingMetric.KV_CACHE);
    if (value.isEmpty()) {
      return PodLoad.failed(
          pod,
          metrics.path()
              + " has no "
              + String.join(" or ", names)
              + " (this server version does not export it)");
    }
    return PodLoad.of(pod, value.getAsDouble());
  }

  private String describe(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return "no answer within " + timeout.toMillis() + " ms";
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName()
        + (message == null || message.isBlank() ? "" : ": " + message);
  }
}
