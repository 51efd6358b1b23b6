package dev.llmfleet.common;

import dev.llmfleet.api.v1alpha1.common.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * kstatus conditions (metav1.Condition shape) so that kubectl wait, Argo CD and Flux understand our
 * resources without custom health checks. Pure functions: status is computed, never mutated.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";

  /**
   * The reason while the API server refuses an object the operator applies; JOSDK keeps retrying.
   */
  public static final String APPLY_FAILED = "ApplyFailed";

  private Conditions() {}

  /**
   * Returns a new list with condition {@code type} set; other conditions keep their order and a new
   * type is appended. {@code lastTransitionTime} moves only when the status flips, as kstatus and
   * metav1.Condition require; reason, message and observedGeneration are always updated.
   *
   * @param existing the current conditions; may be null (a fresh resource has no status)
   */
  public static List<Condition> set(
      List<Condition> existing,
      String type,
      boolean status,
      String reason,
      String message,
      long observedGeneration,
      Instant now) {
    String statusText = status ? "True" : "False";
    List<Condition> current = existing == null ? List.of() : existing;
    Optional<Condition> previous = find(current, type);
    String lastTransitionTime =
        previous
            .filter(c -> statusText.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElse(rfc3339(now));
    Condition updated =
        Condition.builder()
            .type(type)
            .status(statusText)
            .reason(reason)
            .message(message)
            .observedGeneration(observedGeneration)
            .lastTransitionTime(lastTransitionTime)
            .build();
    List<Condition> result = new ArrayList<>();
    for (Condition condition : current) {
      // Copies, so that a caller mutating the result cannot reach into the input.
      boolean same = type.equals(condition.getType());
      result.add(same ? updated : condition.toBuilder().build());
    }
    if (previous.isEmpty()) {
      result.add(updated);
    }
    return result;
  }

  /**
   * Ready=False and Reconciling=True with reason ApplyFailed and {@code message} (the API server's
   * words), Stalled False: the operator retries, and a person may not need to act (a quota freed, a
   * webhook back).
   */
  public static List<Condition> applyFailed(
      List<Condition> existing, String message, long observedGeneration, Instant now) {
    List<Condition> conditions =
        set(existing, READY, false, APPLY_FAILED, message, observedGeneration, now);
    conditions = set(conditions, RECONCILING, true, APPLY_FAILED, message, observedGeneration, now);
    return set(conditions, STALLED, false, APPLY_FAILED, "", observedGeneration, now);
  }

  /**
   * Ready=False with {@code readyMessage}, Reconciling=False, Stalled=True with {@code message},
   * all with {@code reason}: the operator cannot go on until a person changes something.
   */
  public static List<Condition> stalled(
      List<Condition> existing,
      String reason,
      String readyMessage,
      String message,
      long observedGeneration,
      Instant now) {
    List<Condition> conditions =
        set(existing, READY, false, reason, readyMessage, observedGeneration, now);
    conditions = set(conditions, RECONCILING, false, reason, "", observedGeneration, now);
    return set(conditions, STALLED, true, reason, message, observedGeneration, now);
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** metav1.Time serializes as RFC 3339 with whole seconds, e.g. 2026-11-27T10:00:00Z. */
  private static String rfc3339(Instant now) {
    return now.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
