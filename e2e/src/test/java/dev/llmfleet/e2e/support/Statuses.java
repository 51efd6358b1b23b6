package dev.llmfleet.e2e.support;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * What the operator wrote in the status of a Download, FineTuneJob or ModelServer, read alike for
 * the three kinds: their phase and their kstatus conditions.
 */
public final class Statuses {

  private Statuses() {}

  /**
   * The resource's conditions; empty while it is null, has no status or no conditions in it.
   *
   * @throws IllegalArgumentException for a resource of another kind
   */
  public static List<Condition> conditions(HasMetadata resource) {
    List<Condition> conditions;
    if (resource == null) {
      conditions = null;
    } else if (resource instanceof Download d) {
      conditions = d.getStatus() == null ? null : d.getStatus().getConditions();
    } else if (resource instanceof FineTuneJob j) {
      conditions = j.getStatus() == null ? null : j.getStatus().getConditions();
    } else if (resource instanceof ModelServer s) {
      conditions = s.getStatus() == null ? null : s.getStatus().getConditions();
    } else {
      throw new IllegalArgumentException("no conditions in the status of a " + resource.getKind());
    }
    return conditions == null ? List.of() : conditions;
  }

  /** The resource's condition of this type, or null while it has none (or is null itself). */
  public static Condition conditionOrNull(HasMetadata resource, String type) {
    return conditions(resource).stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  /**
   * The resource's condition of this type.
   *
   * @throws NoSuchElementException while it has none: not an AssertionError, so that {@code
   *     untilAsserted} does not wait for it
   */
  public static Condition condition(HasMetadata resource, String type) {
    Condition condition = conditionOrNull(resource, type);
    if (condition == null) {
      throw new NoSuchElementException(
          resource == null
              ? "no condition " + type + ": no resource"
              : "no condition "
                  + type
                  + " in the status of "
                  + resource.getKind()
                  + " "
                  + resource.getMetadata().getName());
    }
    return condition;
  }
}
