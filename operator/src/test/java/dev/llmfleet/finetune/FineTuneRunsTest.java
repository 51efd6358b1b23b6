package dev.llmfleet.finetune;

import static dev.llmfleet.finetune.FineTuneJobs.INPUTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJobStatus;
import dev.llmfleet.api.v1alpha1.FineTuneMethod;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.secrets.SecretSync;
import dev.llmfleet.secrets.SyncResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FineTuneRunsTest {

  static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  static final SyncResult SECRETS_FAILING =
      new SyncResult(
          false,
          Optional.empty(),
          "VaultUnavailable",
          "Vault at http://vault:8200 did not answer",
          Optional.of(Duration.ofSeconds(5)));
  static final FineTuneInputs WAITING =
      new FineTuneInputs(
          null,
          null,
          List.of(
              "Download qwen2-5-7b (base model) is Downloading",
              "Download support-tickets (data set) does not exist"));

  @Test
  void waitsForBothDownloadsNamingThem() {
    FineTunePlan plan =
        FineTuneRuns.plan(job(), WAITING, SyncResult.NO_SECRETS, Map.of(), List.of(), T0);

    assertThat(plan.attemptToStart()).isEmpty();
    assertThat(plan.status().getPhase()).isEqualTo(FineTuneJobPhase.WaitingForInputs);
    assertThat(plan.status().getAttempts()).isZero();
    Condition inputs = condition(plan, FineTuneJobStatuses.INPUTS_READY);
    assertThat(inputs.getStatus()).isEqualTo("False");
    assertThat(inputs.getReason()).isEqualTo("WaitingForDownload");
    assertThat(inputs.getMessage())
        .contains(
            "Download qwen2-5-7b (base model) is Downloading",
            "Download support-tickets (data set) does not exist");
    assertThat(condition(plan, Conditions.RECONCILING).getStatus()).isEqualTo("True");
    assertThat(plan.recheckAfter()).as("Download events wake it up").isEmpty();
  }

  @Test
  void startsRunOneOnceTheInputsAreReady() {
    FineTunePlan plan =
        FineTuneRuns.plan(job(), INPUTS, SyncResult.NO_SECRETS, Map.of(), List.of(), T0);

    assertThat(plan.attemptToStart()).contains(1);
    assertThat(plan.status().getRuns())
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.getName()).isEqualTo("support-lora-train-1");
              assertThat(run.getPhase()).isEqualTo(RunPhase.Running);
            });
    assertThat(plan.status().getPhase()).isEqualTo(FineTuneJobPhase.Pending);
    assertThat(plan.status().getStartedAt()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(condition(plan, FineTuneJobStatuses.INPUTS_READY).getStatus()).isEqualTo("True");
    assertThat(condition(plan, Conditions.RECONCILING).getReason()).isEqualTo("RunPending");
  }

  @Test
  void noRunStartsWithoutItsSecrets() {
    FineTunePlan plan = FineTuneRuns.plan(job(), INPUTS, SECRETS_FAILING, Map.of(), List.of(), T0);

    assertThat(plan.attemptToStart()).isEmpty();
    assertThat(plan.status().getPhase()).isEqualTo(FineTuneJobPhase.Pending);
    assertThat(plan.status().getRuns()).isNull();
    assertThat(condition(plan, FineTuneJobStatuses.INPUTS_READY).getStatus()).isEqualTo("True");
    // Its secrets are all that keeps the run from starting: Ready and Reconciling say so.
    assertThat(condition(plan, Conditions.READY).getReason()).isEqualTo("VaultUnavailable");
    assertThat(condition(plan, Conditions.RECONCILING).getMessage()).contains("did not answer");
    assertThat(condition(plan, SecretSync.CONDITION).getStatus()).isEqualTo("False");
  }

  @Test
  void aRunningRunKeepsItsOwnConditionsWhileTheSecretsFail() {
    FineTuneJob job = withRuns(job(), running(1, T0));

    FineTunePlan plan =
        FineTuneRuns.plan(
            job,
            INPUTS,
            SECRETS_FAILING,
            Map.of("support-lora-train-1", runJob(1, null, null)),
            List.of(pod(1, "Pending", null, null)),
            T0.plusSeconds(5));

    assertThat(condition(plan, Conditions.RECONCILING).getReason()).isEqualTo("RunPending");
    assertThat(condition(plan, SecretSync.CONDITION).getReason()).isEqualTo("VaultUnavailable");
  }

  @Test
  void runningPodMakesItRunning() {
    FineTuneJob job = withRuns(job(), running(1, T0));

    FineTunePlan plan =
        FineTuneRuns.plan(
            job,
            INPUTS,
            SyncResult.NO_SECRETS,
            Map.of("support-lora-train-1", runJob(1, null, null)),
            List.of(pod(1, "Running", null, null)),
            T0.plusSeconds(5));

    assertThat(plan.status().getPhase()).isEqualTo(FineTuneJobPhase.Running);
    assertThat(plan.attemptToStart()).isEmpty();
  }

  @Test
  void completeJobSucceedsWithTheOutputLocation() {
    FineTuneJob job = withRuns(job(), running(1, T0));

    FineTunePlan plan =
        FineTuneRuns.plan(
            job,
            INPUTS,
            SyncResult.NO_SECRETS,
            Map.of("support-lora-train-1", runJob(1, "Complete", null)),
            List.of(pod(1, "Succeeded", null, null)),
            T0.plusSeconds(3600));

    FineTuneJobStatus status = plan.status();
    assertThat(status.getPhase()).isEqualTo(FineTuneJobPhase.Succeeded);
    assertThat(status.getOutput().getClaimName()).isEqualTo("adapters");
    assertThat(status.getOutput().getPath()).isEqualTo("support-lora");
    assertThat(status.getCompletedAt()).isEqualTo("2026-11-27T11:00:00Z");
    assertThat(condition(plan, Conditions.READY).getStatus()).isEqualTo("True");
    assertThat(condition(plan, FineTuneJobStatuses.COMPLETE).getStatus()).isEqualTo("True");
    assertThat(condition(plan, FineTuneJobStatuses.FAILED).getStatus()).isEqualTo("False");
    assertThat(condition(plan, Conditions.RECONCILING).getStatus()).isEqualTo("False");
    assertThat(plan.runsToDelete()).as("the succeeded run's Job stays for its logs").isEmpty();
  }

  @Test
  void failedRunTakesThePodsReasonAndIsRetriedAfterTheBackoff() {
    FineTuneJob job = withRuns(job(), running(1, T0));
    Map<String, Job> jobs =
        Map.of("support-lora-train-1", runJob(1, "Failed", "BackoffLimitExceeded"));
    List<Pod> pods = List.of(pod(1, "Failed", "OOMKilled", null));

    FineTunePlan failed =
        FineTuneRuns.plan(job, INPUTS, SyncResult.NO_SECRETS, jobs, pods, T0.plusSeconds(60));

    assertThat(failed.status().getRuns().get(0))
        .satisfies(
            run -> {
              assertThat(run.getPhase()).isEqualTo(RunPhase.Failed);
              assertThat(run.getReason()).isEqualTo("OOMKilled");
              assertThat(run.getFinishedAt()).isEqualTo("2026-11-27T10:01:00Z");
            });
    assertThat(failed.attemptToStart()).isEmpty();
    assertThat(failed.status().getPhase()).isEqualTo(FineTuneJobPhase.Pending);
    assertThat(condition(failed, Conditions.RECONCILING).getReason())
        .isEqualTo("RetryingAfterFailure");
    assertThat(condition(failed, Conditions.RECONCILING).getMessage())
        .contains("run 2 starts at 2026-11-27T10:01:10Z");
    assertThat(failed.recheckAfter()).contains(Duration.ofSeconds(11));

    job.setStatus(failed.status());
    assertThat(
            FineTuneRuns.plan(job, INPUTS, SyncResult.NO_SECRETS, jobs, pods, T0.plusSeconds(69))
                .attemptToStart())
        .isEmpty();
    assertThat(
            FineTuneRuns.plan(job, INPUTS, SyncResult.NO_SECRETS, jobs, pods, T0.plusSeconds(70))
                .attemptToStart())
        .contains(2);
  }

  @Test
  void deadlineExceededComesFromTheJob() {
    FineTuneJob job = withRuns(job(), running(1, T0));

    FineTunePlan plan =
        FineTuneRuns.plan(
            job,
            INPUTS,
            SyncResult.NO_SECRETS,
            Map.of("support-lora-train-1", runJob(1, "Failed", "DeadlineExceeded")),
            List.of(),
            T0.plusSeconds(60));

    assertThat(plan.status().getRuns().get(0).getReason()).isEqualTo("DeadlineExceeded");
  }

  @Test
  void evictedPodSaysEvicted() {
    FineTuneJob job = withRuns(job(), running(1, T0));

    FineTunePlan plan =
        FineTuneRuns.plan(
            job,
            INPUTS,
            SyncResult.NO_SECRETS,
            Map.of("support-lora-train-1", runJob(1, "Failed", "BackoffLimitExceeded")),
            List.of(pod(1, "Failed", null, "Evicted")),
            T0.plusSeconds(60));

    assertThat(plan.status().getRuns().get(0).getReason()).isEqualTo("Evicted");
  }

  @Test
  void podThatLagsBehindItsFailedJobIsWaitedForBriefly() {
    FineTuneJob job = withRuns(job(), running(1, T0));
    Map<String, Job> jobs =
        Map.of("support-lora-train-1", runJob(1, "Failed", "BackoffLimitExceeded"));
    List<Pod> stale = List.of(pod(1, "Running", null, null));

    FineTunePlan soon =
        FineTuneRuns.plan(job, INPUTS, SyncResult.NO_SECRETS, jobs, stale, T0.plusSeconds(65));
    FineTunePlan later =
        FineTuneRuns.plan(job, INPUTS, SyncResult.NO_SECRETS, jobs, stale, T0.plusSeconds(70));

    assertThat(soon.status().getRuns().get(0).getPhase()).isEqualTo(RunPhase.Running);
    assertThat(soon.recheckAfter()).contains(Duration.ofSeconds(11));
    assertThat(later.status().getRuns().get(0).getReason()).isEqualTo("BackoffLimitExceeded");
  }

  @Test
  void jobDeletedUnderARunningRunFailsIt() {
    FineTuneJob job = withRuns(job(), running(1, T0));

    FineTunePlan plan =
        FineTuneRuns.plan(
            job, INPUTS, SyncResult.NO_SECRETS, Map.of(), List.of(), T0.plusSeconds(60));

    assertThat(plan.status().getRuns().get(0).getReason()).isEqualTo("JobDeleted");
  }

  @Test
  void moreFailuresThanTheBackoffLimitFailItAndStallIt() {
    FineTuneJob job =
        withRuns(
            job(),
            failed(1, T0, "Error"),
            failed(2, T0.plusSeconds(30), "Error"),
            running(3, T0.plusSeconds(60)));

    FineTunePlan plan =
        FineTuneRuns.plan(
            job,
            INPUTS,
            SyncResult.NO_SECRETS,
            Map.of("support-lora-train-3", runJob(3, "Failed", "BackoffLimitExceeded")),
            List.of(pod(3, "Failed", "OOMKilled", null)),
            T0.plusSeconds(90));

    assertThat(plan.status().getPhase()).isEqualTo(FineTuneJobPhase.Failed);
    assertThat(plan.attemptToStart()).isEmpty();
    assertThat(plan.status().getCompletedAt()).isEqualTo("2026-11-27T10:01:30Z");
    Condition stalled = condition(plan, Conditions.STALLED);
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo("BackoffLimitExceeded");
    assertThat(stalled.getMessage())
        .isEqualTo("run 3 failed with OOMKilled; 3 failed runs exceed backoffLimit 2");
    assertThat(condition(plan, FineTuneJobStatuses.FAILED).getStatus()).isEqualTo("True");
    assertThat(condition(plan, Conditions.READY).getStatus()).isEqualTo("False");
    assertThat(condition(plan, Conditions.RECONCILING).getStatus()).isEqualTo("False");
  }

  @Test
  void failedRunsAreCollectedExceptTheNewestKeptAndTheirPartialOutputRemoved() {
    FineTuneJob job = job();
    job.getSpec().getGc().setTtlSecondsAfterFailure(0);
    job = withRuns(job, failed(1, T0, "Error"), failed(2, T0.plusSeconds(30), "Error"));
    Map<String, Job> jobs =
        Map.of(
            "support-lora-train-1",
            runJob(1, "Failed", "BackoffLimitExceeded"),
            "support-lora-train-2",
            runJob(2, "Failed", "BackoffLimitExceeded"));

    FineTunePlan plan =
        FineTuneRuns.plan(job, INPUTS, SyncResult.NO_SECRETS, jobs, List.of(), T0.plusSeconds(31));

    assertThat(plan.runsToDelete()).containsExactly("support-lora-train-1");
    assertThat(plan.partialOutputsToRemove()).containsExactly(1);
    assertThat(plan.status().getRuns()).extracting(Run::getCollected).containsExactly(true, null);
  }

  @Test
  void partialOutputStaysWhenAskedTo() {
    FineTuneJob job = job();
    job.getSpec().getGc().setTtlSecondsAfterFailure(0);
    job.getSpec().getGc().setKeepFailedRuns(0);
    job.getSpec().getGc().setDeletePartialOutput(false);
    job = withRuns(job, failed(1, T0, "Error"));

    FineTunePlan plan =
        FineTuneRuns.plan(
            job,
            INPUTS,
            SyncResult.NO_SECRETS,
            Map.of("support-lora-train-1", runJob(1, "Failed", "BackoffLimitExceeded")),
            List.of(),
            T0.plusSeconds(1));

    assertThat(plan.runsToDelete()).containsExactly("support-lora-train-1");
    assertThat(plan.partialOutputsToRemove()).isEmpty();
  }

  @Test
  void retryWaitsForAnInputThatWentAway() {
    FineTuneJob job = withRuns(job(), failed(1, T0, "Error"));

    FineTunePlan plan =
        FineTuneRuns.plan(
            job,
            WAITING,
            SyncResult.NO_SECRETS,
            Map.of("support-lora-train-1", runJob(1, "Failed", "BackoffLimitExceeded")),
            List.of(),
            T0.plusSeconds(60));

    assertThat(plan.attemptToStart()).isEmpty();
    assertThat(plan.status().getPhase()).isEqualTo(FineTuneJobPhase.WaitingForInputs);
  }

  @Test
  void unchangedWorldGivesTheStoredStatusBack() {
    FineTuneJob job = job();
    FineTunePlan first =
        FineTuneRuns.plan(job, INPUTS, SyncResult.NO_SECRETS, Map.of(), List.of(), T0);
    job.setStatus(first.status());

    FineTunePlan second =
        FineTuneRuns.plan(
            job,
            INPUTS,
            SyncResult.NO_SECRETS,
            Map.of("support-lora-train-1", runJob(1, null, null)),
            List.of(),
            T0.plusSeconds(30));

    assertThat(second.status()).isEqualTo(first.status());
    assertThat(second.attemptToStart()).isEmpty();
  }

  static FineTuneJob job() {
    return FineTuneJobs.job(FineTuneMethod.LORA);
  }

  static FineTuneJob withRuns(FineTuneJob job, Run... runs) {
    job.setStatus(FineTuneJobStatus.builder().runs(new ArrayList<>(List.of(runs))).build());
    return job;
  }

  static Run running(int attempt, Instant startedAt) {
    return Run.builder()
        .name("support-lora-train-" + attempt)
        .attempt(attempt)
        .phase(RunPhase.Running)
        .startedAt(startedAt.toString())
        .build();
  }

  static Run failed(int attempt, Instant finishedAt, String reason) {
    return running(attempt, finishedAt.minusSeconds(5)).toBuilder()
        .phase(RunPhase.Failed)
        .reason(reason)
        .finishedAt(finishedAt.toString())
        .build();
  }

  /** A run's Job, finished with the given condition at T0 + 1 minute, or still running. */
  static Job runJob(int attempt, String finished, String reason) {
    JobBuilder job =
        new JobBuilder().withNewMetadata().withName("support-lora-train-" + attempt).endMetadata();
    if (finished != null) {
      job.withNewStatus()
          .addNewCondition()
          .withType(finished)
          .withStatus("True")
          .withReason(reason)
          .withLastTransitionTime(T0.plusSeconds(60).toString())
          .endCondition()
          .endStatus();
    }
    return job.build();
  }

  static Pod pod(int attempt, String phase, String containerReason, String podReason) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("support-lora-train-" + attempt + "-x")
            .addToLabels("llmfleet.dev/run", Integer.toString(attempt))
            .endMetadata()
            .withNewStatus()
            .withPhase(phase)
            .withReason(podReason)
            .endStatus();
    if (containerReason != null) {
      pod.editStatus()
          .addNewContainerStatus()
          .withName("trainer")
          .withNewState()
          .withNewTerminated()
          .withReason(containerReason)
          .withExitCode(137)
          .endTerminated()
          .endState()
          .endContainerStatus()
          .endStatus();
    }
    return pod.build();
  }

  static Condition condition(FineTunePlan plan, String type) {
    return Conditions.find(plan.status().getConditions(), type).orElseThrow();
  }
}
