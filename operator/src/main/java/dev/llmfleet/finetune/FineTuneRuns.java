package dev.llmfleet.finetune;

import dev.llmfleet.api.v1alpha1.FineTuneGc;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJobStatus;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.runs.FailedRunGc;
import dev.llmfleet.common.runs.JobStates;
import dev.llmfleet.common.runs.RunLedger;
import dev.llmfleet.secrets.SyncResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run bookkeeping of a FineTuneJob as a pure function: from the stored status, the inputs, and
 * the observed Jobs and pods, decide how the active run ended, whether to start another, and what
 * to collect.
 */
public final class FineTuneRuns {

  private FineTuneRuns() {}

  /**
   * @param secrets the outcome of the secrets step: no run starts without the values of
   *     spec.secrets
   */
  public static FineTunePlan plan(
      FineTuneJob job,
      FineTuneInputs inputs,
      SyncResult secrets,
      Map<String, Job> jobsByName,
      List<Pod> pods,
      Instant now) {
    FineTuneJobStatus stored = job.getStatus();
    RunLedger ledger = new RunLedger(stored == null ? null : stored.getRuns(), now);

    Optional<Run> active = ledger.active();
    if (active.isPresent()) {
      Job run = jobsByName.get(active.get().getName());
      if (run != null && JobStates.isComplete(run)) {
        ledger.succeed();
      } else if (run == null || JobStates.isFailed(run)) {
        TrainingFailures.reason(run, podsOf(active.get(), pods), now)
            .ifPresentOrElse(
                ledger::fail, () -> ledger.recheckAt(now.plus(TrainingFailures.POD_LAG)));
      }
    }

    // A retry needs the inputs as much as the first run: a Download may have been deleted
    // meanwhile.
    Optional<Integer> start =
        ledger
            .due(givesUp(job, ledger.runs()))
            .filter(attempt -> inputs.ready() && secrets.ready());
    start.ifPresent(attempt -> ledger.start(attempt, FineTuneResources.runName(job, attempt)));

    FineTuneGc gc = job.getSpec().getGc();
    List<Run> collected =
        ledger.collectFailed(
            new FailedRunGc(gc.getTtlSecondsAfterFailure(), gc.getKeepFailedRuns()),
            jobsByName.keySet());

    List<Run> runs = ledger.runs();
    boolean training =
        ledger
            .active()
            .map(run -> podsOf(run, pods).stream().anyMatch(FineTuneRuns::started))
            .orElse(false);
    FineTuneJobPhase phase = phase(job, runs, inputs, training);
    return new FineTunePlan(
        FineTuneJobStatuses.compute(job, runs, phase, inputs, secrets, now),
        start,
        collected.stream().map(Run::getName).toList(),
        Boolean.TRUE.equals(gc.getDeletePartialOutput())
            ? collected.stream().map(Run::getAttempt).toList()
            : List.of(),
        ledger.recheckAfter());
  }

  static boolean givesUp(FineTuneJob job, List<Run> runs) {
    return RunLedger.failures(runs) > job.getSpec().getBackoffLimit();
  }

  private static FineTuneJobPhase phase(
      FineTuneJob job, List<Run> runs, FineTuneInputs inputs, boolean training) {
    Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
    if (last != null && last.getPhase() == RunPhase.Succeeded) {
      return FineTuneJobPhase.Succeeded;
    }
    if (givesUp(job, runs)) {
      return FineTuneJobPhase.Failed;
    }
    if (last == null || last.getPhase() != RunPhase.Running) {
      return inputs.ready() ? FineTuneJobPhase.Pending : FineTuneJobPhase.WaitingForInputs;
    }
    return training ? FineTuneJobPhase.Running : FineTuneJobPhase.Pending;
  }

  private static List<Pod> podsOf(Run run, List<Pod> pods) {
    return pods.stream()
        .filter(
            pod ->
                Integer.toString(run.getAttempt())
                    .equals(pod.getMetadata().getLabels().get(Labels.RUN)))
        .toList();
  }

  /** Scheduled and past its image pull: the trainer runs or has run. */
  private static boolean started(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Running".equals(phase) || "Succeeded".equals(phase) || "Failed".equals(phase);
  }
}
