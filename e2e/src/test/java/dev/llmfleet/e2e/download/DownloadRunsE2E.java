package dev.llmfleet.e2e.download;

import static dev.llmfleet.e2e.support.Statuses.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadFailure;
import dev.llmfleet.api.v1alpha1.DownloadGc;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's side of Downloads against the real control plane: claim, identity and Job per run,
 * and how runs end. Reports are written the way the downloader writes them ({@link
 * DownloaderReports}); the downloader process itself is exercised by the downloader scenarios.
 */
@ExtendWith(LlmFleetExtension.class)
class DownloadRunsE2E {

  private final TestNamespace namespace;

  DownloadRunsE2E(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @Test
  void createsClaimIdentityAndAJobForTheFirstRun() {
    // A run starts only once its secrets can be read: the referenced Secret exists first.
    namespace
        .client()
        .secrets()
        .inNamespace(namespace.name())
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("mirror")
                .endMetadata()
                .addToStringData("token", "t0ken")
                .build())
        .create();
    Download download = download("first");
    download
        .getSpec()
        .setSecrets(
            List.of(
                SecretEnv.builder()
                    .name("MIRROR_TOKEN")
                    .secretKeyRef(new SecretKeyRef("mirror", "token"))
                    .build()));
    download
        .getSpec()
        .setPodMetadata(PodMetadata.builder().labels(Map.of("team", "research")).build());
    create(download);

    Job job =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> namespace.get("first-run-1", Job.class), j -> j != null);

    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "download")
        .containsEntry("app.kubernetes.io/instance", "first");
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "research");
    assertThat(pod.getContainers().get(0).getArgs())
        .containsExactly(
            "download", "--namespace", namespace.name(), "--name", "first", "--root", "/data");
    assertThat(pod.getContainers().get(0).getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("MIRROR_TOKEN");
              assertThat(env.getValue()).isNull();
              // Copied into the Download's own Secret, which the pod reads.
              assertThat(env.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo("first-download-env");
              assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("MIRROR_TOKEN");
            });
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .map(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactly("first-data");
    assertThat(pod.getServiceAccountName()).isEqualTo("first-downloader");
    Role role = namespace.get("first-downloader", Role.class);
    assertThat(role.getRules())
        .allSatisfy(rule -> assertThat(rule.getResourceNames()).containsExactly("first"));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        namespace
                            .get("first-data", PersistentVolumeClaim.class)
                            .getStatus()
                            .getPhase())
                    .isEqualTo("Bound"));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(namespace.podsOfJob("first-run-1"))
                    .singleElement()
                    .satisfies(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running")));
  }

  @Test
  void verifiedReportSucceedsTheDownloadAndRemovesTheJob() {
    create(download("verified"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> namespace.get("verified-run-1", Job.class), j -> j != null);

    report(
        "verified",
        DownloadProgress.builder()
            .run("verified-run-1")
            .bytesDone(4096L)
            .bytesTotal(4096L)
            .percent(100)
            .filesDone(1)
            .filesTotal(1)
            .verified(true)
            .build());

    Download done =
        namespace.awaitPhase("verified", DownloadPhase.Succeeded, Duration.ofSeconds(30));
    assertThat(condition(done, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(done, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(done.getStatus().getCompletedAt()).isNotNull();
    assertThat(done.getStatus().getProgress().getBytesDone())
        .as("the operator leaves progress alone")
        .isEqualTo(4096L);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> namespace.get("verified-run-1", Job.class) == null);
    assertThat(namespace.events("verified"))
        .extracting(Event::getReason)
        .contains("RunStarted", "Succeeded");
  }

  @Test
  void checksumMismatchStallsTheDownloadWithoutRetry() {
    create(download("mismatch"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> namespace.get("mismatch-run-1", Job.class), j -> j != null);

    report(
        "mismatch",
        DownloadProgress.builder()
            .run("mismatch-run-1")
            .bytesDone(0L)
            .bytesTotal(4096L)
            .failure(new DownloadFailure("ChecksumMismatch", "model.gguf: expected 5f2b, got 00aa"))
            .build());

    Download failed =
        namespace.awaitPhase("mismatch", DownloadPhase.Failed, Duration.ofSeconds(30));
    Condition stalled = condition(failed, "Stalled");
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo("ChecksumMismatch");
    assertThat(stalled.getMessage()).contains("model.gguf: expected 5f2b, got 00aa");
    assertThat(failed.getStatus().getRuns()).hasSize(1);
  }

  @Test
  void failingRunsAreRetriedUntilTheBackoffLimitThenStalled() {
    Download download = download("flaky");
    download.getSpec().setBackoffLimit(1);
    // KWOK's chaos stage fails pods that carry this label, as a crashing downloader would.
    download
        .getSpec()
        .setPodMetadata(
            PodMetadata.builder()
                .labels(Map.of("pod-container-running-failed.stage.kwok.x-k8s.io", "true"))
                .build());
    create(download);

    Download failed =
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> namespace.get("flaky", Download.class),
                d -> d.getStatus() != null && d.getStatus().getPhase() == DownloadPhase.Failed);

    assertThat(failed.getStatus().getRuns())
        .hasSize(2)
        .allSatisfy(
            run -> {
              assertThat(run.getPhase()).isEqualTo(RunPhase.Failed);
              assertThat(run.getReason()).isEqualTo("NoResultReported");
            });
    Instant firstFailed = Instant.parse(failed.getStatus().getRuns().get(0).getFinishedAt());
    Instant secondStarted = Instant.parse(failed.getStatus().getRuns().get(1).getStartedAt());
    assertThat(Duration.between(firstFailed, secondStarted))
        .as("backoff")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    Condition stalled = condition(failed, "Stalled");
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo("NoResultReported");
    assertThat(namespace.events("flaky"))
        .extracting(Event::getReason)
        .contains("NoResultReported", "Failed");
    Job cleanup = namespace.get("flaky-cleanup", Job.class);
    assertThat(cleanup)
        .as("gc.deletePartialData (default true) removes the partial files")
        .isNotNull();
    assertThat(cleanup.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly("cleanup", "--root", "/volume", "--path", "flaky");
  }

  @Test
  void stalledRunIsStoppedAndReplacedAndCollectedPerGc() {
    Download download = download("stalled");
    download.getSpec().setStallTimeoutSeconds(30);
    download.getSpec().setGc(DownloadGc.builder().ttlSecondsAfterFailure(0).build());
    create(download);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> namespace.get("stalled-run-1", Job.class), j -> j != null);
    report(
        "stalled",
        DownloadProgress.builder().run("stalled-run-1").bytesDone(100L).bytesTotal(4096L).build());

    Download retried =
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> namespace.get("stalled", Download.class),
                d -> d.getStatus().getRuns().size() == 2);

    assertThat(retried.getStatus().getRuns().get(0))
        .satisfies(
            run -> {
              assertThat(run.getReason()).isEqualTo("StallTimeout");
              assertThat(run.getCollected()).isTrue();
            });
    assertThat(retried.getStatus().getRuns().get(1).getPhase()).isEqualTo(RunPhase.Running);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> namespace.get("stalled-run-1", Job.class) == null);
    assertThat(namespace.get("stalled-run-2", Job.class)).isNotNull();
  }

  private Download download(String name) {
    return SmallDownload.of(namespace.name(), name, name + ".gguf");
  }

  /**
   * Created through the API server, so that schema defaults (backoffLimit, gc, ...) apply to what
   * is unset.
   */
  private void create(Download download) {
    namespace.client().resource(download).create();
  }

  private void report(String name, DownloadProgress progress) {
    DownloaderReports.report(namespace, name, progress);
  }
}
