package dev.llmfleet.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadFailure;
import dev.llmfleet.api.v1alpha1.DownloadGc;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.runs.RunLedger;
import dev.llmfleet.secrets.SyncResult;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DownloadRunsTest {

  static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  @Test
  void firstPassStartsRunOne() {
    RunPlan plan = DownloadRuns.plan(download(), Map.of(), SyncResult.NO_SECRETS, T0);

    assertThat(plan.attemptToStart()).contains(1);
    assertThat(plan.status().getRuns())
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.getName()).isEqualTo("qwen-run-1");
              assertThat(run.getPhase()).isEqualTo(RunPhase.Running);
            });
    assertThat(plan.status().getPhase()).isEqualTo(DownloadPhase.Pending);
    assertThat(condition(plan, Conditions.RECONCILING).getStatus()).isEqualTo("True");
    assertThat(plan.recheckAfter()).contains(Duration.ofSeconds(301));
  }

  @Test
  void verifiedReportOfTheActiveRunSucceedsAndDeletesItsJob() {
    Download download = withRuns(download(), running(1, T0));
    download.getStatus().setProgress(progress("qwen-run-1", 100, 100, true));

    RunPlan plan =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-1", job("qwen-run-1", null)),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(60));

    assertThat(plan.status().getPhase()).isEqualTo(DownloadPhase.Succeeded);
    assertThat(plan.status().getCompletedAt()).isEqualTo("2026-11-27T10:01:00Z");
    assertThat(plan.jobsToDelete()).containsExactly("qwen-run-1");
    assertThat(plan.attemptToStart()).isEmpty();
    assertThat(condition(plan, Conditions.READY).getStatus()).isEqualTo("True");
  }

  @Test
  void reportOfAnEarlierRunDoesNotCountForTheActiveOne() {
    Download download =
        withRuns(
            download(),
            failed(1, T0, T0.plusSeconds(30), "StallTimeout"),
            running(2, T0.plusSeconds(40)));
    download.getStatus().setProgress(progress("qwen-run-1", 100, 100, true));

    RunPlan plan =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-2", job("qwen-run-2", null)),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(50));

    assertThat(plan.status().getPhase()).isEqualTo(DownloadPhase.Downloading);
    assertThat(plan.status().getRuns().get(1).getPhase()).isEqualTo(RunPhase.Running);
  }

  @Test
  void bytesCompleteButNotVerifiedIsVerifying() {
    Download download = withRuns(download(), running(1, T0));
    download.getStatus().setProgress(progress("qwen-run-1", 100, 100, false));

    RunPlan plan =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-1", job("qwen-run-1", null)),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(5));

    assertThat(plan.status().getPhase()).isEqualTo(DownloadPhase.Verifying);
  }

  @Test
  void runWithoutNewBytesForStallTimeoutIsStoppedAndFailed() {
    Download download = withRuns(download(), running(1, T0));
    download.getStatus().setProgress(progress("qwen-run-1", 10, 100, false));
    download.getStatus().getProgress().setUpdatedAt("2026-11-27T10:01:00Z");

    RunPlan before =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-1", job("qwen-run-1", null)),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(359));
    RunPlan after =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-1", job("qwen-run-1", null)),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(360));

    assertThat(before.jobsToStop()).isEmpty();
    assertThat(before.recheckAfter()).contains(Duration.ofSeconds(2));
    assertThat(after.jobsToStop()).containsExactly(Map.entry("qwen-run-1", "StallTimeout"));
    assertThat(after.status().getRuns().get(0).getReason()).isEqualTo("StallTimeout");
    assertThat(after.attemptToStart()).isEmpty();
    assertThat(after.recheckAfter()).contains(Duration.ofSeconds(11));
  }

  @Test
  void jobStoppedByAnEarlierPassKeepsItsStopReasonWhenThatPassIsNotVisibleYet() {
    Download download = withRuns(download(), running(1, T0));
    Job stopped = job("qwen-run-1", "Failed");
    stopped
        .getMetadata()
        .setAnnotations(Map.of(DownloadResources.STOP_REASON_ANNOTATION, "StallTimeout"));

    RunPlan plan =
        DownloadRuns.plan(
            download, Map.of("qwen-run-1", stopped), SyncResult.NO_SECRETS, T0.plusSeconds(301));

    assertThat(plan.status().getRuns().get(0).getReason()).isEqualTo("StallTimeout");
    assertThat(plan.jobsToStop()).isEmpty();
  }

  @Test
  void aRunThatStillReportsButMadeNoProgressAtTheMinimumRateForTheStallWindowIsStopped() {
    Download download = withRuns(download(), running(1, T0));
    // A trickle: the downloader reports bytes every few seconds, but progressedAt stays where the
    // rate fell.
    download
        .getStatus()
        .setProgress(
            progress("qwen-run-1", 10, 100, false).toBuilder()
                .updatedAt(T0.plusSeconds(399).toString())
                .progressedAt(T0.plusSeconds(100).toString())
                .build());

    RunPlan plan =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-1", job("qwen-run-1", null)),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(400));

    assertThat(plan.status().getRuns().get(0).getReason()).isEqualTo(DownloadRuns.STALL_TIMEOUT);
    assertThat(plan.jobsToStop()).containsEntry("qwen-run-1", DownloadRuns.STALL_TIMEOUT);
  }

  @Test
  void jobThatEndsWithoutReportFailsWithNoResultReported() {
    Download download = withRuns(download(), running(1, T0));

    RunPlan plan =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-1", job("qwen-run-1", "Failed")),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(5));

    assertThat(plan.status().getRuns().get(0).getReason())
        .isEqualTo(DownloadRuns.NO_RESULT_REPORTED);
  }

  @Test
  void theDownloadersReasonAndMessageAreInTheStatusWhileItRetries() {
    Download download = withRuns(download(), running(1, T0));
    download
        .getStatus()
        .setProgress(
            progress("qwen-run-1", 0, 100, false).toBuilder()
                .failure(
                    DownloadFailure.builder()
                        .reason(DownloadFailure.TRANSFER_FAILED)
                        .message(
                            "GET https://example.org/m.gguf redirected to ftp://files.example/m.gguf, which cannot be followed")
                        .build())
                .build());

    RunPlan plan =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-1", job("qwen-run-1", "Failed")),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(5));

    assertThat(plan.status().getRuns().get(0).getReason())
        .isEqualTo(DownloadFailure.TRANSFER_FAILED);
    assertThat(condition(plan, Conditions.RECONCILING).getMessage())
        .isEqualTo(
            "run 1 failed (TransferFailed: GET https://example.org/m.gguf redirected to"
                + " ftp://files.example/m.gguf, which cannot be followed); a new run starts after a backoff");
  }

  @Test
  void anInvalidSourceFailsTheDownloadAtOnceSayingWhy() {
    Download download = withRuns(download(), running(1, T0));
    download
        .getStatus()
        .setProgress(
            progress("qwen-run-1", 0, 0, false).toBuilder()
                .failure(
                    DownloadFailure.builder()
                        .reason(DownloadFailure.INVALID_SOURCE)
                        .message(
                            "spec.source.http.url https://example.org/a|b.gguf is not a valid URL")
                        .build())
                .build());

    RunPlan plan =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-1", job("qwen-run-1", "Failed")),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(5));

    assertThat(plan.status().getPhase()).isEqualTo(DownloadPhase.Failed);
    assertThat(plan.attemptToStart()).isEmpty();
    assertThat(condition(plan, Conditions.STALLED).getReason()).isEqualTo("InvalidSource");
    assertThat(condition(plan, Conditions.STALLED).getMessage())
        .contains("spec.source.http.url", "not a valid URL");
  }

  @Test
  void urlCredentialsNeverReachTheStatus() {
    Download download = download();
    download
        .getSpec()
        .getSource()
        .getHttp()
        .setUrl(
            "https://reader:hunter2@bucket.s3.example/m.gguf?X-Amz-Credential=AKIA&X-Amz-Signature=c0ffee");
    withRuns(download, running(1, T0));
    download
        .getStatus()
        .setProgress(
            progress("qwen-run-1", 0, 0, false).toBuilder()
                .failure(
                    DownloadFailure.builder()
                        .reason(DownloadFailure.TRANSFER_FAILED)
                        .message(
                            "Server returned HTTP response code: 500 for URL: https://reader:hunter2@bucket.s3.example/m.gguf"
                                + "?X-Amz-Signature=c0ffee")
                        .build())
                .build());

    RunPlan plan =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-1", job("qwen-run-1", "Failed")),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(5));

    assertThat(plan.status().getSource()).isEqualTo("https://bucket.s3.example/m.gguf");
    assertThat(plan.status().toString()).doesNotContain("hunter2", "c0ffee", "AKIA", "reader");
  }

  @Test
  void failedRunsAreRetriedAfterExponentialBackoff() {
    Instant failedAt = T0.plusSeconds(100);
    Download download =
        withRuns(
            download(),
            failed(1, T0, T0.plusSeconds(50), "StallTimeout"),
            failed(2, T0.plusSeconds(60), failedAt, "StallTimeout"));

    RunPlan waiting =
        DownloadRuns.plan(download, Map.of(), SyncResult.NO_SECRETS, failedAt.plusSeconds(19));
    RunPlan retrying =
        DownloadRuns.plan(download, Map.of(), SyncResult.NO_SECRETS, failedAt.plusSeconds(20));

    assertThat(waiting.attemptToStart()).isEmpty();
    assertThat(waiting.status().getPhase()).isEqualTo(DownloadPhase.Downloading);
    assertThat(condition(waiting, Conditions.RECONCILING).getReason())
        .isEqualTo("RetryingAfterFailure");
    assertThat(retrying.attemptToStart()).contains(3);
  }

  @Test
  void backoffDoublesFromTenSecondsUpToFiveMinutes() {
    assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 20))
        .map(RunLedger::backoff)
        .map(Duration::toSeconds)
        .containsExactly(10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
  }

  @Test
  void moreFailuresThanBackoffLimitFailTheDownloadAndStallIt() {
    Download download = download();
    download.getSpec().setBackoffLimit(1);
    download =
        withRuns(
            download,
            failed(1, T0, T0.plusSeconds(10), "StallTimeout"),
            failed(2, T0.plusSeconds(30), T0.plusSeconds(40), "NoResultReported"));

    RunPlan plan =
        DownloadRuns.plan(download, Map.of(), SyncResult.NO_SECRETS, T0.plusSeconds(3600));

    assertThat(plan.status().getPhase()).isEqualTo(DownloadPhase.Failed);
    assertThat(plan.attemptToStart()).isEmpty();
    Condition stalled = condition(plan, Conditions.STALLED);
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo("NoResultReported");
    assertThat(stalled.getMessage()).contains("exceed backoffLimit 1");
    assertThat(condition(plan, Conditions.RECONCILING).getStatus()).isEqualTo("False");
  }

  @Test
  void checksumMismatchFailsAtOnceWhateverTheBackoffLimit() {
    Download download = withRuns(download(), running(1, T0));
    DownloadProgress report = progress("qwen-run-1", 100, 100, false);
    report.setFailure(
        new DownloadFailure("ChecksumMismatch", "model.gguf: expected 5f2b..., got 00aa..."));
    download.getStatus().setProgress(report);

    RunPlan plan =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-1", job("qwen-run-1", "Failed")),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(5));

    assertThat(plan.status().getPhase()).isEqualTo(DownloadPhase.Failed);
    assertThat(condition(plan, Conditions.STALLED).getReason()).isEqualTo("ChecksumMismatch");
    assertThat(condition(plan, Conditions.STALLED).getMessage())
        .contains("model.gguf: expected 5f2b");
  }

  @Test
  void failedRunsJobsAreCollectedAfterTheirTtl() {
    Download download = download();
    download.getSpec().getGc().setTtlSecondsAfterFailure(60);
    download =
        withRuns(
            download,
            failed(1, T0, T0.plusSeconds(10), "StallTimeout"),
            running(2, T0.plusSeconds(20)));
    Map<String, Job> jobs =
        Map.of("qwen-run-1", job("qwen-run-1", "Failed"), "qwen-run-2", job("qwen-run-2", null));

    RunPlan early = DownloadRuns.plan(download, jobs, SyncResult.NO_SECRETS, T0.plusSeconds(69));
    RunPlan due = DownloadRuns.plan(download, jobs, SyncResult.NO_SECRETS, T0.plusSeconds(70));

    assertThat(early.jobsToDelete()).isEmpty();
    assertThat(early.status().getRuns().get(0).getCollected()).isNull();
    assertThat(due.jobsToDelete()).containsExactly("qwen-run-1");
    assertThat(due.status().getRuns().get(0).getCollected()).isTrue();
  }

  @Test
  void unchangedWorldGivesTheStoredStatusBack() {
    Download download = download();
    RunPlan first = DownloadRuns.plan(download, Map.of(), SyncResult.NO_SECRETS, T0);
    download.setStatus(first.status());

    RunPlan second =
        DownloadRuns.plan(
            download,
            Map.of("qwen-run-1", job("qwen-run-1", null)),
            SyncResult.NO_SECRETS,
            T0.plusSeconds(30));

    assertThat(second.status()).isEqualTo(first.status());
  }

  static Download download() {
    Download download = new Download();
    download.setMetadata(
        new ObjectMetaBuilder()
            .withName("qwen")
            .withNamespace("models")
            .withGeneration(1L)
            .build());
    download.setSpec(
        DownloadSpec.builder()
            .source(
                DownloadSource.builder()
                    .http(HttpSource.builder().url("https://example.org/m.gguf").build())
                    .build())
            .storage(Storage.builder().size(new Quantity("1Gi")).build())
            .backoffLimit(6)
            .stallTimeoutSeconds(300)
            .gc(DownloadGc.builder().ttlSecondsAfterFailure(86400).deletePartialData(true).build())
            .build());
    return download;
  }

  static Download withRuns(Download download, Run... runs) {
    download.setStatus(DownloadStatus.builder().runs(new ArrayList<>(List.of(runs))).build());
    return download;
  }

  static Run running(int attempt, Instant startedAt) {
    return Run.builder()
        .name("qwen-run-" + attempt)
        .attempt(attempt)
        .phase(RunPhase.Running)
        .startedAt(startedAt.toString())
        .build();
  }

  static Run failed(int attempt, Instant startedAt, Instant finishedAt, String reason) {
    return running(attempt, startedAt).toBuilder()
        .phase(RunPhase.Failed)
        .reason(reason)
        .finishedAt(finishedAt.toString())
        .build();
  }

  static DownloadProgress progress(String run, long done, long total, boolean verified) {
    return DownloadProgress.builder()
        .run(run)
        .bytesDone(done)
        .bytesTotal(total)
        .verified(verified)
        .updatedAt(T0.toString())
        .build();
  }

  static Job job(String name, String finishedCondition) {
    JobBuilder job = new JobBuilder().withNewMetadata().withName(name).endMetadata();
    if (finishedCondition != null) {
      job.withNewStatus()
          .addNewCondition()
          .withType(finishedCondition)
          .withStatus("True")
          .endCondition()
          .endStatus();
    }
    return job.build();
  }

  static Condition condition(RunPlan plan, String type) {
    return Conditions.find(plan.status().getConditions(), type).orElseThrow();
  }
}
