package dev.llmfleet.secrets;

import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The values of every resource's spec.secrets, read by JOSDK's per-resource poller: once per
 * refresh interval, sooner after a failure ({@link SecretSync#retryDelay}), and kept per resource
 * until it is deleted. A read whose values differ from the cached ones wakes the resource, so a
 * rotation is picked up within one interval and several rotations within one interval are one
 * change. A read for a list that changed since is made at once, in the reconcile.
 */
public final class SecretValuesSource<P extends HasMetadata>
    extends PerResourcePollingEventSource<SecretValues, P, String> {

  private final SecretSync.ValuesFetcher<P> fetcher;

  private SecretValuesSource(
      Class<P> type,
      EventSourceContext<P> context,
      SecretSync.ValuesFetcher<P> fetcher,
      Duration refresh) {
    super(
        SecretValues.class,
        context,
        new PerResourcePollingConfigurationBuilder<SecretValues, P, String>(fetcher, refresh)
            .withName(type.getSimpleName() + "-secret-values")
            .withRegisterPredicate(primary -> !fetcher.secretsOf(primary).isEmpty())
            // One read per resource: its id is constant.
            .withResourceIDMapper(values -> "values")
            .build());
    this.fetcher = fetcher;
  }

  static <P extends HasMetadata> SecretValuesSource<P> of(
      Class<P> type,
      EventSourceContext<P> context,
      SecretSync.ValuesFetcher<P> fetcher,
      Duration refresh) {
    return new SecretValuesSource<>(type, context, fetcher, refresh);
  }

  /** The resource's spec.secrets, empty when it has none. */
  List<SecretEnv> secretsOf(P primary) {
    return fetcher.secretsOf(primary);
  }

  /** The resource's stored conditions. */
  List<Condition> conditionsOf(P primary) {
    return fetcher.conditionsOf(primary);
  }

  /** The last read of this list of secrets; read now when it was never read or the list changed. */
  SecretValues current(P primary, String spec) {
    Optional<SecretValues> cached = getSecondaryResources(primary).stream().findFirst();
    if (cached.isPresent() && cached.get().spec().equals(spec)) {
      return cached.get();
    }
    Set<SecretValues> read = fetcher.fetchResources(primary);
    // Cached without an event: this reconcile is the one that uses it.
    handleResources(ResourceID.fromResource(primary), read, false);
    return read.iterator().next();
  }
}
