package dev.llmfleet;

import dev.llmfleet.common.Errors;
import dev.llmfleet.common.HttpEndpoints;
import dev.llmfleet.common.KubernetesClients;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.config.Version;
import dev.llmfleet.metrics.FleetMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The `run` command: the three controllers, probes and metrics, until SIGTERM. */
final class OperatorRunner {

  static final String LEASE_NAME = "llmfleet-operator-lock";

  private static final Logger log = LoggerFactory.getLogger(OperatorRunner.class);

  private final OperatorConfig config;
  // Tracked here because the Operator's own accessors block while it starts (synchronized).
  private volatile boolean started;
  private volatile boolean stopping;

  OperatorRunner(OperatorConfig config) {
    this.config = config;
  }

  /**
   * Starts the operator and blocks; the shutdown hook ends the process.
   *
   * @throws IllegalStateException with a one-line message when the cluster is unreachable or the
   *     controllers cannot start (missing CRDs, RBAC)
   */
  void run() throws IOException, InterruptedException {
    KubernetesClient client = KubernetesClients.connect();
    log.info(
        "Starting LLMFleet operator {} against {} with {}",
        Version.CURRENT,
        client.getMasterUrl(),
        config);
    PrometheusMeterRegistry registry = meterRegistry();
    FleetMetrics fleetMetrics = new FleetMetrics(registry);
    Operator operator =
        LlmFleetOperator.create(client, config, registry, fleetMetrics, this::configureProcess);

    // Serve before starting: the informers may take a while to sync and liveness must hold.
    HttpEndpoints http =
        HttpEndpoints.start(
            config.httpPort(), () -> notReadyReason(operator), registry, fleetMetrics::refresh);
    log.info("Serving /healthz, /readyz and /metrics on port {}", http.port());
    try {
      operator.start();
    } catch (RuntimeException e) {
      http.close();
      throw new IllegalStateException("cannot start the operator: " + Errors.describe(e), e);
    }
    started = true;
    logControllers(operator);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(operator, http), "shutdown"));
    new CountDownLatch(1).await(); // forever: the shutdown hook ends the process
  }

  private void configureProcess(ConfigurationServiceOverrider overrider) {
    overrider.withInformerStoppedHandler(this::onInformerStopped);
    config
        .leaderElection()
        .ifPresent(le -> overrider.withLeaderElectionConfiguration(leaderElection(le)));
  }

  private LeaderElectionConfiguration leaderElection(OperatorConfig.LeaderElection le) {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE_NAME)
        .withLeaseNamespace(le.podNamespace())
        .withIdentity(le.podName())
        // A standby takes over once the Lease expires: 10 s instead of 15 s keeps a failover
        // (kill -9 of the leader until the survivor reconciles) under 15 s; renewing every 2 s with
        // a
        // 7 s deadline leaves a busy leader three attempts before it gives up.
        .withLeaseDuration(Duration.ofSeconds(10))
        .withRenewDeadline(Duration.ofSeconds(7))
        .withRetryPeriod(Duration.ofSeconds(2))
        // JOSDK would System.exit(1) on stop leading, which also happens when our shutdown hook
        // stops the operator, and System.exit inside a shutdown hook blocks forever.
        .withExitOnStopLeading(false)
        .withLeaderCallbacks(
            new LeaderCallbacks(
                () -> log.info("{} is the leader now; reconciling", le.podName()),
                () -> {
                  if (!stopping) {
                    fatal("Lost the leadership of Lease " + LEASE_NAME);
                  }
                },
                leader -> {}))
        .build();
  }

  private void logControllers(Operator operator) {
    String where =
        config.watchesAllNamespaces()
            ? "all namespaces"
            : "namespaces " + String.join(",", config.namespaces());
    String standby =
        config.leaderElection().isPresent() ? " (reconciles once this replica leads)" : "";
    for (RegisteredController<?> controller : operator.getRegisteredControllers()) {
      var configuration = controller.getConfiguration();
      log.info(
          "Controller {} started for {} in {}{}",
          configuration.getName(),
          configuration.getResourceTypeName(),
          where,
          standby);
    }
  }

  /**
   * Ready once every informer has synced and stays healthy. A standby replica is ready too: its
   * informers run, only event processing waits for the leadership.
   */
  private Optional<String> notReadyReason(Operator operator) {
    if (stopping) {
      return Optional.of("operator is stopping");
    }
    if (!started) {
      return Optional.of("operator is starting (informers are syncing)");
    }
    String unhealthy =
        operator.getRuntimeInfo().unhealthyEventSources().entrySet().stream()
            .filter(controller -> !controller.getValue().isEmpty())
            .map(OperatorRunner::describe)
            .collect(Collectors.joining(", "));
    return unhealthy.isEmpty()
        ? Optional.empty()
        : Optional.of("unhealthy event sources: " + unhealthy);
  }

  private static String describe(Map.Entry<String, ? extends Map<String, ?>> controller) {
    return controller.getKey() + " " + controller.getValue().keySet();
  }

  private void stop(Operator operator, HttpEndpoints http) {
    stopping = true;
    log.info("Stopping");
    try {
      operator.stop();
    } catch (RuntimeException e) {
      log.warn("The operator did not stop cleanly: {}", Errors.describe(e));
    }
    http.close();
    log.info("Stopped");
    // The JVM reports 143 after SIGTERM whatever the hooks do; a graceful stop is a success.
    Runtime.getRuntime().halt(0);
  }

  // JOSDK's default calls System.exit(1), which would run our shutdown hook and exit 0.
  private void onInformerStopped(SharedIndexInformer<?> informer, Throwable error) {
    if (error != null && informer.hasSynced() && !stopping) {
      fatal("An informer stopped: " + Errors.describe(error));
    }
  }

  /**
   * Ends the process with code 1 so that Kubernetes restarts it. At once, not through the shutdown
   * hook: another replica may lead already, and the hook would report success.
   */
  private static void fatal(String message) {
    log.error("{}; exiting", message);
    Runtime.getRuntime().halt(1);
  }

  private static PrometheusMeterRegistry meterRegistry() {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }
}
