package dev.llmfleet.secrets;

import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.common.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link SecretSync#sync} for one reconcile.
 *
 * @param ready every value was read (now or at the last read, which is still fresh); pods may be
 *     started
 * @param hash hash of the data in {@code <name>-secrets}, for pod templates; present while that
 *     Secret exists
 * @param reason reason of condition SecretsReady
 * @param message message of condition SecretsReady; names what failed and where, never a value
 * @param recheckAfter when to look again: the next refresh, or the next try after a failure
 */
public record SyncResult(
    boolean ready,
    Optional<String> hash,
    String reason,
    String message,
    Optional<Duration> recheckAfter) {

  /** For a resource with an empty spec.secrets: ready, no Secret, nothing to look at again. */
  public static final SyncResult NO_SECRETS =
      new SyncResult(
          true, Optional.empty(), SecretSync.NO_SECRETS, "spec.secrets is empty", Optional.empty());

  /** {@code conditions} with SecretsReady set from this result. */
  public List<Condition> condition(List<Condition> conditions, long generation, Instant now) {
    return Conditions.set(
        conditions, SecretSync.CONDITION, ready, reason, message, generation, now);
  }

  /**
   * For a resource that cannot start pods because of its secrets: SecretsReady, Ready and
   * Reconciling say why, as kstatus expects of a resource that is still being worked on.
   */
  public List<Condition> blocked(List<Condition> conditions, long generation, Instant now) {
    List<Condition> result = condition(conditions, generation, now);
    result = Conditions.set(result, Conditions.READY, false, reason, message, generation, now);
    result = Conditions.set(result, Conditions.RECONCILING, true, reason, message, generation, now);
    return Conditions.set(result, Conditions.STALLED, false, reason, "", generation, now);
  }

  /** Puts the data hash on a pod template, so that pods roll when the values change. */
  public void annotate(PodTemplateSpec template) {
    hash.ifPresent(
        h -> {
          var annotations =
              template.getMetadata().getAnnotations() == null
                  ? new LinkedHashMap<String, String>()
                  : new LinkedHashMap<>(template.getMetadata().getAnnotations());
          annotations.put(SecretSync.HASH_ANNOTATION, h);
          template.getMetadata().setAnnotations(annotations);
        });
  }

  /** {@code control} rescheduled at the earlier of its own delay and {@link #recheckAfter}. */
  public <P extends HasMetadata> UpdateControl<P> reschedule(
      UpdateControl<P> control, Optional<Duration> other) {
    Optional<Duration> earliest =
        other.isEmpty()
            ? recheckAfter
            : recheckAfter.isEmpty()
                ? other
                : Optional.of(
                    other.get().compareTo(recheckAfter.get()) < 0
                        ? other.get()
                        : recheckAfter.get());
    earliest.ifPresent(control::rescheduleAfter);
    return control;
  }
}
