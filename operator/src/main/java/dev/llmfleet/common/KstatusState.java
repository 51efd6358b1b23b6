package dev.llmfleet.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Locale;

/**
 * Where a resource stands by its kstatus conditions: what `kubectl wait`, Argo CD and Flux would
 * say. Shared by the metrics and the kubectl plugin so that both tell the same state.
 */
public enum KstatusState {
  READY,
  RECONCILING,
  STALLED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static KstatusState of(HasMetadata resource, StatusView status) {
    if (Conditions.isTrue(status.conditions(), Conditions.STALLED)) {
      return STALLED;
    }
    boolean ready =
        Conditions.isTrue(status.conditions(), Conditions.READY)
            && !Conditions.isTrue(status.conditions(), Conditions.RECONCILING)
            && !status.behind(resource);
    return ready ? READY : RECONCILING;
  }
}
