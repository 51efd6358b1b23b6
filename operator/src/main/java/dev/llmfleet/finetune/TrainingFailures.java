package dev.llmfleet.finetune;

import dev.llmfleet.common.runs.JobStates;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Why a training run failed, in the most specific words Kubernetes has: DeadlineExceeded from the
 * Job, Evicted or a container's reason (OOMKilled, Error, ...) from the pod, else the Job's own
 * failure reason.
 */
final class TrainingFailures {

  static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
  static final String JOB_DELETED = "JobDeleted";

  /**
   * How long a failed Job's pod may still look alive in the cache: the two informers deliver
   * independently.
   */
  static final Duration POD_LAG = Duration.ofSeconds(10);

  private static final Pattern CAMEL_CASE = Pattern.compile("[A-Z][A-Za-z0-9]*");

  private TrainingFailures() {}

  /**
   * @param job the run's Job when it has failed, or null when it is gone
   * @param pods the run's pods in the cache
   * @return the reason, or empty while the pods may not show their end yet
   */
  static Optional<String> reason(Job job, List<Pod> pods, Instant now) {
    Optional<JobCondition> failed =
        job == null ? Optional.empty() : JobStates.condition(job, JobStates.FAILED);
    if (failed.map(c -> DEADLINE_EXCEEDED.equals(c.getReason())).orElse(false)) {
      return Optional.of(DEADLINE_EXCEEDED);
    }
    Optional<String> fromPod =
        pods.stream().map(TrainingFailures::podReason).flatMap(Optional::stream).findFirst();
    if (fromPod.isPresent()) {
      return fromPod;
    }
    boolean podsCatchingUp =
        pods.stream().anyMatch(pod -> !isTerminal(pod))
            && failed
                .map(
                    c ->
                        c.getLastTransitionTime() != null
                            && now.isBefore(Instant.parse(c.getLastTransitionTime()).plus(POD_LAG)))
                .orElse(false);
    if (podsCatchingUp) {
      return Optional.empty();
    }
    return Optional.of(
        failed
            .map(JobCondition::getReason)
            .filter(r -> CAMEL_CASE.matcher(r).matches())
            .orElse(job == null ? JOB_DELETED : JobStates.FAILED));
  }

  private static Optional<String> podReason(Pod pod) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    if ("Evicted".equals(pod.getStatus().getReason())) {
      return Optional.of("Evicted");
    }
    List<ContainerStatus> containers =
        pod.getStatus().getContainerStatuses() == null
            ? List.of()
            : pod.getStatus().getContainerStatuses();
    return containers.stream()
        .filter(c -> c.getState() != null && c.getState().getTerminated() != null)
        .map(c -> c.getState().getTerminated().getReason())
        // Only reasons in the Kubernetes style; a runtime's free text would make a poor condition
        // reason.
        .filter(
            reason ->
                reason != null
                    && CAMEL_CASE.matcher(reason).matches()
                    && !"Completed".equals(reason))
        .findFirst();
  }

  private static boolean isTerminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Failed".equals(phase) || "Succeeded".equals(phase);
  }
}
