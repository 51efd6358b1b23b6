package dev.llmfleet.metrics;

import dev.llmfleet.common.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Locale;

/** Where a resource stands by its kstatus conditions: what `kubectl wait`, Argo CD and Flux would say. */
enum KstatusState {
  READY,
  RECONCILING,
  STALLED;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static KstatusState of(HasMetadata resource, StatusView status) {
    if (Conditions.isTrue(status.conditions(), Conditions.STALLED)) {
      return STALLED;
    }
    boolean ready = Conditions.isTrue(status.conditions(), Conditions.READY)
        && !Conditions.isTrue(status.conditions(), Conditions.RECONCILING) && !status.behind(resource);
    return ready ? READY : RECONCILING;
  }
}
