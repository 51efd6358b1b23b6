package dev.llmfleet.common.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailedJobCapTest {

  @Test
  void oldestFailedJobsBeyondTheCapGoFirst() {
    List<Job> jobs =
        List.of(
            failed("b-run-2", "2026-11-27T10:05:00Z"),
            failed("a-run-1", "2026-11-27T10:01:00Z"),
            running("c-run-1"),
            failed("b-run-1", "2026-11-27T10:02:00Z"),
            failed("a-run-2", "2026-11-27T10:02:00Z"));

    assertThat(FailedJobCap.overCap(jobs, 2))
        .extracting(job -> job.getMetadata().getName())
        .containsExactly("a-run-1", "a-run-2");
  }

  @Test
  void nothingGoesWithinTheCap() {
    assertThat(
            FailedJobCap.overCap(
                List.of(failed("a-run-1", "2026-11-27T10:01:00Z"), running("b-run-1")), 1))
        .isEmpty();
  }

  @Test
  void capOfZeroKeepsNoFailedJob() {
    assertThat(
            FailedJobCap.overCap(
                List.of(failed("a-run-1", "2026-11-27T10:01:00Z"), running("b-run-1")), 0))
        .extracting(job -> job.getMetadata().getName())
        .containsExactly("a-run-1");
  }

  static Job failed(String name, String at) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("Failed")
        .withStatus("True")
        .withLastTransitionTime(at)
        .endCondition()
        .endStatus()
        .build();
  }

  static Job running(String name) {
    return new JobBuilder().withNewMetadata().withName(name).endMetadata().build();
  }
}
