package dev.llmfleet;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.common.CacheStores;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.download.DownloadReconciler;
import dev.llmfleet.finetune.FineTuneJobReconciler;
import dev.llmfleet.metrics.FleetMetrics;
import dev.llmfleet.modelserver.ModelServerReconciler;
import dev.llmfleet.secrets.SecretSync;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.monitoring.AggregatedMetrics;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The operator itself: the three controllers on a JOSDK {@link Operator}, not yet started. The
 * `run` command adds the process around it (probes, leader election, exit codes); the e2e tests run
 * it in their own JVM.
 */
public final class LlmFleetOperator {

  private LlmFleetOperator() {}

  /**
   * As {@link #create(KubernetesClient, OperatorConfig, MeterRegistry, FleetMetrics, Consumer)},
   * for a process that does not serve /metrics.
   */
  public static Operator create(
      KubernetesClient client,
      OperatorConfig config,
      MeterRegistry registry,
      Consumer<ConfigurationServiceOverrider> processSettings) {
    return create(client, config, registry, new FleetMetrics(registry), processSettings);
  }

  /**
   * @param fleetMetrics the fleet's own metrics, in {@code registry}, read from the controllers'
   *     caches
   * @param processSettings further settings of the hosting process, such as leader election
   */
  public static Operator create(
      KubernetesClient client,
      OperatorConfig config,
      MeterRegistry registry,
      FleetMetrics fleetMetrics,
      Consumer<ConfigurationServiceOverrider> processSettings) {
    Operator operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  .withMetrics(
                      new AggregatedMetrics(
                          List.of(
                              // Per-resource series would grow with the fleet; per-controller ones
                              // are enough to alert.
                              MicrometerMetrics.newMicrometerMetricsBuilder(registry)
                                  .notCollectingMetricsPerResource()
                                  .build(),
                              fleetMetrics)));
              processSettings.accept(overrider);
            });
    // One Vault client (one login, one token) for the three kinds.
    controllers(config, new SecretSync(config)).forEach(c -> c.registerOn(operator));
    return operator;
  }

  /**
   * The three controllers, each with the settings it is registered with. Public for the
   * reconcile-level tests, which register one of them alone.
   */
  public static List<Controller<?>> controllers(OperatorConfig config, SecretSync secrets) {
    return List.of(
        new Controller<>(
            Download.class, new DownloadReconciler(config, secrets), common(config, o -> {})),
        new Controller<>(
            ModelServer.class,
            new ModelServerReconciler(config, secrets),
            common(config, o -> ModelServerReconciler.configureDependents(o, config))),
        new Controller<>(
            FineTuneJob.class,
            new FineTuneJobReconciler(config, secrets),
            common(config, o -> {})));
  }

  /**
   * A reconciler and its registration settings.
   *
   * @param resource its primary resource
   */
  public record Controller<P extends HasMetadata>(
      Class<P> resource,
      Reconciler<P> reconciler,
      Consumer<ControllerConfigurationOverrider<P>> settings) {

    void registerOn(Operator operator) {
      operator.register(reconciler, settings::accept);
    }
  }

  /** What every controller is registered with, then {@code ownSettings}. */
  private static <P extends HasMetadata> Consumer<ControllerConfigurationOverrider<P>> common(
      OperatorConfig config, Consumer<ControllerConfigurationOverrider<P>> ownSettings) {
    return o -> {
      if (config.watchesAllNamespaces()) {
        o.watchingAllNamespaces();
      } else {
        o.settingNamespaces(Set.copyOf(config.namespaces()));
      }
      o.withItemStore(CacheStores.withoutManagedFields(config));
      ownSettings.accept(o);
    };
  }
}
