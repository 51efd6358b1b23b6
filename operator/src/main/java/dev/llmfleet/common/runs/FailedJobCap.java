package dev.llmfleet.common.runs;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The operator-wide cap on failed run Jobs kept in one namespace, whatever each resource's gc says:
 * a badly configured resource (a long TTL, many kept runs, many resources) must not pile up Jobs
 * and pods without bound. The oldest failures go first; their owners then see the Jobs gone and
 * mark the runs collected.
 */
public final class FailedJobCap {

  private FailedJobCap() {}

  /**
   * @param jobsInNamespace the run Jobs of one namespace that stay after this pass's own deletions
   * @return the failed ones beyond {@code cap}, oldest failure first
   */
  public static List<Job> overCap(Collection<Job> jobsInNamespace, int cap) {
    List<Job> failed =
        jobsInNamespace.stream()
            .filter(JobStates::isFailed)
            .sorted(
                Comparator.comparing(FailedJobCap::failedAt)
                    .thenComparing(job -> job.getMetadata().getName()))
            .toList();
    return failed.subList(0, Math.max(0, failed.size() - cap));
  }

  private static String failedAt(Job job) {
    // RFC 3339 with whole seconds and a Z compares like the instant it stands for.
    String at = JobStates.condition(job, JobStates.FAILED).orElseThrow().getLastTransitionTime();
    return at == null ? "" : at;
  }
}
