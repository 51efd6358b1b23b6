package dev.llmfleet.modelserver.autoscaling;

import dev.llmfleet.api.v1alpha1.Autoscaling;
import dev.llmfleet.api.v1alpha1.AutoscalingMetric;
import dev.llmfleet.api.v1alpha1.AutoscalingStatus;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.modelserver.runtimes.LoadMetrics;
import dev.llmfleet.modelserver.runtimes.ServerRuntimes;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The autoscaler of the ModelServer controller. Each evaluation scrapes the server's ready pods (in
 * parallel, with {@link MetricsScraper}'s timeout), applies {@link ScalingRule} and says what to
 * set. It runs inside the reconcile, which is rescheduled every {@link #SYNC_PERIOD} while
 * spec.autoscaling is set: no thread of its own. The recommendations of the stabilization windows
 * live here in memory, per server; after an operator restart they start empty from the Deployment's
 * replica count, as HPA's do after a controller-manager restart.
 */
public final class Autoscaler {

  /** How often a server is evaluated without other events: HPA's default sync period. */
  public static final Duration SYNC_PERIOD = Duration.ofSeconds(15);

  /** Reconciles come with every pod change; a scrape younger than this is used again instead. */
  static final Duration MIN_SCRAPE_INTERVAL = Duration.ofSeconds(5);

  /** State of a server not evaluated for this long (deleted, or autoscaling removed) is dropped. */
  static final Duration FORGET_AFTER = Duration.ofHours(1);

  /**
   * @param replicas what the Deployment's spec.replicas is to be
   * @param status status.autoscaling
   * @param event a ScaledUp or ScaledDown event to record, when the count changed
   */
  public record Decision(int replicas, AutoscalingStatus status, Optional<ScaleEvent> event) {}

  public record ScaleEvent(String reason, String message) {}

  /** A decision and the recommendations to keep for the next one. */
  record Outcome(Decision decision, List<ScalingRule.Recommendation> history) {}

  private record State(
      Autoscaling spec,
      List<ScalingRule.Recommendation> history,
      Instant scrapedAt,
      Decision decision) {}

  private final MetricsScraper scraper;
  private final Map<String, State> states = new ConcurrentHashMap<>();

  public Autoscaler(MetricsScraper scraper) {
    this.scraper = scraper;
  }

  /**
   * @param deploymentReplicas the Deployment's spec.replicas in the cache, when it exists
   * @param pods the server's pods
   */
  public Decision evaluate(
      ModelServer server, Optional<Integer> deploymentReplicas, List<Pod> pods, Instant now) {
    forgetIdle(now);
    Autoscaling spec = server.getSpec().getAutoscaling();
    String key = key(server);
    State state = states.get(key);
    if (state != null
        && state.scrapedAt().plus(MIN_SCRAPE_INTERVAL).isAfter(now)
        && state.spec().equals(spec)) {
      return new Decision(state.decision().replicas(), state.decision().status(), Optional.empty());
    }
    // Our own last decision is newer than a cached Deployment that may not show it yet.
    int current =
        state != null
            ? state.decision().replicas()
            : deploymentReplicas.orElse(spec.getMinReplicas() == null ? 1 : spec.getMinReplicas());
    Optional<LoadMetrics> endpoint = ServerRuntimes.of(server).loadMetrics();
    if (endpoint.isEmpty()) {
      // The CRD refuses this (ollama); a resource stored before that rule still gets a clear word.
      return new Decision(
          current,
          AutoscalingStatus.builder()
              .metric(spec.getMetric().apiName())
              .desiredReplicas(current)
              .message(
                  "runtime "
                      + server.getSpec().getRuntime().name().toLowerCase()
                      + " has no metrics endpoint: not autoscaled, holding "
                      + current
                      + " replicas")
              .build(),
          Optional.empty());
    }
    LoadMetrics metrics = endpoint.get();
    List<MetricsScraper.Target> targets = targets(server, pods, metrics);
    List<MetricsScraper.PodLoad> loads =
        targets.isEmpty() ? List.of() : scraper.scrape(targets, metrics, spec.getMetric());
    Outcome outcome =
        decide(
            server,
            current,
            loads,
            state == null ? List.of() : state.history(),
            state == null ? null : state.decision().status(),
            now);
    states.put(key, new State(spec, outcome.history(), now, outcome.decision()));
    return outcome.decision();
  }

  /** Drops what is kept of a server that no longer autoscales. */
  public void forget(ModelServer server) {
    states.remove(key(server));
  }

  private static String key(ModelServer server) {
    return server.getMetadata().getNamespace()
        + "/"
        + server.getMetadata().getName()
        + "/"
        + server.getMetadata().getUid();
  }

  /**
   * The decision and status.autoscaling from what the pods said: pure.
   *
   * @param previous the status of the last decision, for lastScaleTime
   */
  static Outcome decide(
      ModelServer server,
      int current,
      List<MetricsScraper.PodLoad> loads,
      List<ScalingRule.Recommendation> history,
      AutoscalingStatus previous,
      Instant now) {
    Autoscaling spec = server.getSpec().getAutoscaling();
    AutoscalingMetric metric = spec.getMetric();
    OptionalDouble average = average(loads);
    ScalingRule.Result result =
        ScalingRule.decide(spec, current, measured(loads), average, history, now);
    Optional<Double> observed =
        average.isPresent() ? Optional.of(round(average.getAsDouble(), metric)) : Optional.empty();

    StringBuilder message = new StringBuilder(result.reason());
    observed.ifPresent(
        value ->
            message
                .append(" (")
                .append(metric.apiName())
                .append(' ')
                .append(value)
                .append(" per ready pod, target ")
                .append(spec.getTargetPerReplica())
                .append(')'));
    List<MetricsScraper.PodLoad> failed =
        loads.stream().filter(l -> l.failure().isPresent()).toList();
    if (!failed.isEmpty()) {
      message
          .append("; ")
          .append(failed.size())
          .append(" of ")
          .append(loads.size())
          .append(" ready pods left out, first ")
          .append(failed.get(0).pod())
          .append(": ")
          .append(failed.get(0).failure().orElseThrow());
    }
    Integer specReplicas = server.getSpec().getReplicas();
    message.append("; the operator sets the replica count while spec.autoscaling is set");
    if (specReplicas != null && specReplicas != result.replicas()) {
      message.append(", spec.replicas (").append(specReplicas).append(") is ignored");
    }

    boolean scaled = result.replicas() != current;
    String lastScaleTime =
        scaled
            ? now.truncatedTo(ChronoUnit.SECONDS).toString()
            : previous == null ? null : previous.getLastScaleTime();
    AutoscalingStatus status =
        AutoscalingStatus.builder()
            .metric(
                metric.apiName() + " (" + String.join(" or ", metricNames(server, metric)) + ")")
            .observed(observed.orElse(null))
            .desiredReplicas(result.replicas())
            .podsScraped(loads.size() - failed.size())
            .podsFailed(failed.size())
            .lastScaleTime(lastScaleTime)
            .message(message.toString())
            .build();
    Optional<ScaleEvent> event =
        !scaled
            ? Optional.empty()
            : Optional.of(
                new ScaleEvent(
                    result.replicas() > current ? "ScaledUp" : "ScaledDown",
                    "from "
                        + current
                        + " to "
                        + result.replicas()
                        + " replicas: "
                        + metric.apiName()
                        + " "
                        + observed.map(String::valueOf).orElse("unknown")
                        + " per ready pod, target "
                        + spec.getTargetPerReplica()));
    return new Outcome(new Decision(result.replicas(), status, event), result.history());
  }

  /**
   * Ready pods with an address, not on their way out, by name (so that messages name the same pod
   * each time).
   */
  static List<MetricsScraper.Target> targets(
      ModelServer server, List<Pod> pods, LoadMetrics metrics) {
    int port = ServerRuntimes.port(server);
    return pods.stream()
        .filter(
            p ->
                p.getMetadata().getDeletionTimestamp() == null
                    && p.getStatus() != null
                    && p.getStatus().getPodIP() != null
                    && !p.getStatus().getPodIP().isEmpty()
                    && isReady(p))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .map(
            p ->
                new MetricsScraper.Target(
                    p.getMetadata().getName(),
                    URI.create(
                        "http://" + host(p.getStatus().getPodIP()) + ":" + port + metrics.path())))
        .toList();
  }

  /**
   * Counts to 0.1, shares to 0.01: finer changes would rewrite the status at every scrape under
   * load.
   */
  static double round(double value, AutoscalingMetric metric) {
    double scale = metric == AutoscalingMetric.KV_CACHE ? 100 : 10;
    return Math.round(value * scale) / scale;
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String host(String ip) {
    return ip.contains(":") ? "[" + ip + "]" : ip;
  }

  private static int measured(List<MetricsScraper.PodLoad> loads) {
    return (int) loads.stream().filter(l -> l.value().isPresent()).count();
  }

  private static OptionalDouble average(List<MetricsScraper.PodLoad> loads) {
    return loads.stream()
        .filter(l -> l.value().isPresent())
        .mapToDouble(l -> l.value().getAsDouble())
        .average();
  }

  private static List<String> metricNames(ModelServer server, AutoscalingMetric metric) {
    return ServerRuntimes.of(server).loadMetrics().map(m -> m.namesOf(metric)).orElse(List.of());
  }

  private void forgetIdle(Instant now) {
    states.values().removeIf(s -> s.scrapedAt().plus(FORGET_AFTER).isBefore(now));
  }
}
