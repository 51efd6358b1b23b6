package dev.llmfleet.common.runs;

import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.common.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.function.Predicate;

/**
 * Events for what happened to runs between the stored status and the next one: started, failed,
 * collected.
 */
public final class RunEvents {

  private RunEvents() {}

  public static void record(
      EventRecorder events, HasMetadata resource, List<Run> before, List<Run> after) {
    for (Run run : after) {
      Run previous =
          before.stream().filter(r -> r.getName().equals(run.getName())).findFirst().orElse(null);
      String what = "run " + run.getAttempt() + " (Job " + run.getName() + ")";
      if (previous == null) {
        events.normal(
            resource, "RunStarted", "run " + run.getAttempt() + " started as Job " + run.getName());
      }
      if (run.getPhase() == RunPhase.Failed
          && changed(previous, r -> r.getPhase() == RunPhase.Failed)) {
        events.warning(resource, run.getReason(), what + " failed");
      }
      if (run.getPhase() == RunPhase.Succeeded
          && changed(previous, r -> r.getPhase() == RunPhase.Succeeded)) {
        events.normal(resource, "RunSucceeded", what + " succeeded");
      }
      if (Boolean.TRUE.equals(run.getCollected())
          && changed(previous, r -> Boolean.TRUE.equals(r.getCollected()))) {
        events.normal(resource, "RunCollected", what + " collected: its Job and pods are deleted");
      }
    }
  }

  private static boolean changed(Run previous, Predicate<Run> now) {
    return previous == null || !now.test(previous);
  }
}
