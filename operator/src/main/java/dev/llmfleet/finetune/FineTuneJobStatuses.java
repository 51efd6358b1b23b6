package dev.llmfleet.finetune;

import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJobStatus;
import dev.llmfleet.common.Conditions;
import java.time.Instant;

/** Pure status computation for a FineTuneJob. */
public final class FineTuneJobStatuses {

  private FineTuneJobStatuses() {
  }

  // Until training runs, a FineTuneJob stays Pending and says so through Reconciling.
  public static FineTuneJobStatus compute(FineTuneJob job, Instant now) {
    FineTuneJobStatus current = job.getStatus();
    long generation = job.getMetadata().getGeneration();
    var conditions = current == null ? null : current.getConditions();
    conditions = Conditions.set(conditions, Conditions.RECONCILING, true, "Pending",
        "no run has started yet", generation, now);
    conditions = Conditions.set(conditions, Conditions.READY, false, "Pending",
        "no run has succeeded yet", generation, now);
    conditions = Conditions.set(conditions, Conditions.STALLED, false, "Pending", "", generation, now);
    return (current == null ? FineTuneJobStatus.builder() : current.toBuilder())
        .phase(FineTuneJobPhase.Pending)
        .attempts(0)
        .conditions(conditions)
        .observedGeneration(generation)
        .build();
  }
}
