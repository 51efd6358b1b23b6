package dev.llmfleet.common.runs;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Optional;

/** What a run's Job says about how it ended, read from its terminal conditions. */
public final class JobStates {

  public static final String COMPLETE = "Complete";
  public static final String FAILED = "Failed";

  private JobStates() {}

  /** The condition {@code type} when it is True. */
  public static Optional<JobCondition> condition(Job job, String type) {
    return job.getStatus() == null || job.getStatus().getConditions() == null
        ? Optional.empty()
        : job.getStatus().getConditions().stream()
            .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
            .findFirst();
  }

  public static boolean isComplete(Job job) {
    return condition(job, COMPLETE).isPresent();
  }

  public static boolean isFailed(Job job) {
    return condition(job, FAILED).isPresent();
  }

  public static boolean isFinished(Job job) {
    return isComplete(job) || isFailed(job);
  }
}
