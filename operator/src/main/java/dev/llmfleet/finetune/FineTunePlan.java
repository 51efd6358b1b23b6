package dev.llmfleet.finetune;

import dev.llmfleet.api.v1alpha1.FineTuneJobStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the reconciler must do for a FineTuneJob, decided by {@link FineTuneRuns#plan}: the status
 * to write, the run to start, the runs collected by this pass (their Job and ConfigMap go), the
 * runs whose partial output a cleanup Job removes, and when to look again.
 */
public record FineTunePlan(
    FineTuneJobStatus status,
    Optional<Integer> attemptToStart,
    List<String> runsToDelete,
    List<Integer> partialOutputsToRemove,
    Optional<Duration> recheckAfter) {}
