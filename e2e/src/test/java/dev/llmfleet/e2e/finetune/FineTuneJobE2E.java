package dev.llmfleet.e2e.finetune;

import static dev.llmfleet.e2e.support.PodSpecs.claimAt;
import static dev.llmfleet.e2e.support.PodSpecs.mount;
import static dev.llmfleet.e2e.support.PodSpecs.volume;
import static dev.llmfleet.e2e.support.Statuses.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Adapter;
import dev.llmfleet.api.v1alpha1.BaseModel;
import dev.llmfleet.api.v1alpha1.Dataset;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.FineTuneGc;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJobSpec;
import dev.llmfleet.api.v1alpha1.FineTuneOutput;
import dev.llmfleet.api.v1alpha1.Hyperparameters;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.InProcessOperator;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * FineTuneJobs against the real control plane: waiting for the Downloads, the run's ConfigMap and
 * Job, placement on the GPU node, retries with backoff, garbage collection of failed runs, an
 * operator restart during a backoff, and the hand-off to a ModelServer. KWOK completes Job pods at
 * once, and fails those labelled with {@link #FAIL}; no trainer runs, so what a run would do is
 * checked in its Job's spec.
 */
@ExtendWith(LlmFleetExtension.class)
class FineTuneJobE2E {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * KWOK's chaos stage fails a running pod with this label; the annotation sets its container's
   * reason.
   */
  private static final String FAIL = "pod-container-running-failed.stage.kwok.x-k8s.io";

  private static final String H100 = "NVIDIA-H100-80GB-HBM3";

  private final TestNamespace namespace;

  FineTuneJobE2E(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @Test
  void waitsForBothDownloadsThenTrainsOnTheGpuNodeAndSucceeds() {
    createDownload("base");
    createDownload("tickets");
    create(fineTuneJob("tuned", "base", "tickets"));

    FineTuneJob waiting = namespace.awaitPhase("tuned", FineTuneJobPhase.WaitingForInputs, TIMEOUT);
    Condition inputs = condition(waiting, "InputsReady");
    assertThat(inputs.getStatus()).isEqualTo("False");
    assertThat(inputs.getReason()).isEqualTo("WaitingForDownload");
    assertThat(inputs.getMessage())
        .contains("Download base (base model)", "Download tickets (data set)");
    assertThat(namespace.get("tuned-train-1", Job.class)).isNull();

    verify("base");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        condition(namespace.get("tuned", FineTuneJob.class), "InputsReady")
                            .getMessage())
                    .contains("Download tickets")
                    .doesNotContain("Download base"));
    assertThat(namespace.get("tuned-train-1", Job.class)).as("one input is not enough").isNull();
    verify("tickets");

    FineTuneJob done = namespace.awaitPhase("tuned", FineTuneJobPhase.Succeeded, TIMEOUT);
    assertThat(done.getStatus().getOutput().getClaimName()).isEqualTo("tuned-output");
    assertThat(done.getStatus().getOutput().getPath()).isEqualTo("tuned");
    assertThat(done.getStatus().getAttempts()).isEqualTo(1);
    assertThat(done.getStatus().getRuns())
        .singleElement()
        .satisfies(run -> assertThat(run.getPhase()).isEqualTo(RunPhase.Succeeded));
    assertThat(done.getStatus().getCompletedAt()).isNotNull();
    for (String type : List.of("Ready", "Complete", "InputsReady")) {
      assertThat(condition(done, type).getStatus()).as(type).isEqualTo("True");
    }
    assertThat(condition(done, "Reconciling").getStatus()).isEqualTo("False");

    @SuppressWarnings("unchecked")
    Map<String, Object> config =
        namespace
            .client()
            .getKubernetesSerialization()
            .unmarshal(
                namespace.get("tuned-train-1", ConfigMap.class).getData().get("config.yaml"),
                Map.class);
    assertThat(config)
        .containsEntry("base_model", "/inputs/model")
        .containsEntry(
            "datasets", List.of(Map.of("path", "/inputs/data/train.jsonl", "type", "alpaca")))
        .containsEntry("adapter", "lora")
        .containsEntry("lora_r", 16)
        .containsEntry("lora_alpha", 32)
        .containsEntry("lora_target_modules", List.of("q_proj", "v_proj"))
        .containsEntry("num_epochs", 3)
        .containsEntry("sequence_len", 2048)
        .containsEntry("output_dir", "/output/tuned/.runs/1")
        .doesNotContainKey("load_in_4bit");

    Job run = namespace.get("tuned-train-1", Job.class);
    assertThat(run.getSpec().getBackoffLimit()).isZero();
    PodSpec pod = run.getSpec().getTemplate().getSpec();
    var trainer = pod.getContainers().get(0);
    assertThat(trainer.getCommand())
        .startsWith("/bin/sh", "-c")
        .endsWith("trainer", "/config/config.yaml", "/output/tuned/.runs/1", "/output/tuned");
    assertThat(trainer.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("2"));
    assertThat(claimAt(pod, "/inputs/model")).isEqualTo("base-data");
    assertThat(mount(pod, "/inputs/model").getSubPath()).isEqualTo("base");
    assertThat(mount(pod, "/inputs/model").getReadOnly()).isTrue();
    assertThat(claimAt(pod, "/inputs/data")).isEqualTo("tickets-data");
    assertThat(mount(pod, "/inputs/data").getSubPath()).isEqualTo("tickets");
    assertThat(mount(pod, "/inputs/data").getReadOnly()).isTrue();
    assertThat(claimAt(pod, "/output")).isEqualTo("tuned-output");
    assertThat(volume(pod, mount(pod, "/config")).getConfigMap().getName())
        .isEqualTo("tuned-train-1");
    assertThat(namespace.podsOfJob("tuned-train-1"))
        .singleElement()
        .satisfies(p -> assertThat(p.getSpec().getNodeName()).isEqualTo("gpu-h100-0"));

    PersistentVolumeClaim claim = namespace.get("tuned-output", PersistentVolumeClaim.class);
    assertThat(claim.getMetadata().getOwnerReferences())
        .as("the result outlives the FineTuneJob")
        .isEmpty();
    assertThat(namespace.events("tuned"))
        .extracting(Event::getReason)
        .contains("WaitingForInputs", "RunStarted", "RunSucceeded", "Succeeded");
    String table = namespace.kubectl("get", "ftj", "tuned").output();
    assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "BASE", "METHOD", "PHASE", "ATTEMPTS", "AGE");
    assertThat(table).contains("base", "lora", "Succeeded");
  }

  @Test
  void failingRunsAreRetriedWithGrowingGapsThenFailedAndCollectedPerGc() {
    inputs("flaky-base", "flaky-data");
    FineTuneJob job = failing(fineTuneJob("flaky", "flaky-base", "flaky-data"));
    job.getSpec().setBackoffLimit(2);
    job.getSpec().setGc(FineTuneGc.builder().ttlSecondsAfterFailure(0).keepFailedRuns(1).build());
    create(job);

    FineTuneJob failed =
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> namespace.get("flaky", FineTuneJob.class),
                j -> j.getStatus() != null && j.getStatus().getPhase() == FineTuneJobPhase.Failed);

    List<Run> runs = failed.getStatus().getRuns();
    assertThat(runs)
        .extracting(Run::getName)
        .containsExactly("flaky-train-1", "flaky-train-2", "flaky-train-3");
    assertThat(runs)
        .allSatisfy(
            run -> {
              assertThat(run.getPhase()).isEqualTo(RunPhase.Failed);
              assertThat(run.getReason()).as("the pod's reason").isEqualTo("OOMKilled");
            });
    assertThat(gap(runs.get(0), runs.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(gap(runs.get(1), runs.get(2))).isGreaterThanOrEqualTo(Duration.ofSeconds(20));
    Condition stalled = condition(failed, "Stalled");
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo("BackoffLimitExceeded");
    assertThat(stalled.getMessage()).contains("3 failed runs exceed backoffLimit 2");
    assertThat(condition(failed, "Failed").getStatus()).isEqualTo("True");
    assertThat(condition(failed, "Ready").getStatus()).isEqualTo("False");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(namespace.get("flaky", FineTuneJob.class).getStatus().getRuns())
                  .extracting(Run::getCollected)
                  .containsExactly(true, true, null);
              assertThat(runJobs("flaky"))
                  .extracting(j -> j.getMetadata().getName())
                  .containsExactly("flaky-train-3");
              assertThat(namespace.get("flaky-train-1", ConfigMap.class)).isNull();
              assertThat(namespace.get("flaky-train-2", ConfigMap.class)).isNull();
            });
    assertThat(namespace.get("flaky-train-3", ConfigMap.class)).isNotNull();
    for (int attempt : List.of(1, 2)) {
      Job cleanup = namespace.get("flaky-cleanup-" + attempt, Job.class);
      assertThat(cleanup.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
          .containsExactly("cleanup", "--root", "/volume", "--path", "flaky/.runs/" + attempt);
      assertThat(claimAt(cleanup.getSpec().getTemplate().getSpec(), "/volume"))
          .isEqualTo("flaky-output");
    }
    assertThat(namespace.get("flaky-cleanup-3", Job.class)).isNull();
    assertThat(namespace.events("flaky"))
        .extracting(Event::getReason)
        .contains("RunStarted", "OOMKilled", "RunCollected", "CleanupStarted", "Failed");
  }

  @Test
  void failedRunsJobsStayUntilTheirTtlExpires() {
    inputs("ttl-base", "ttl-data");
    FineTuneJob job = failing(fineTuneJob("ttl", "ttl-base", "ttl-data"));
    job.getSpec().setBackoffLimit(1);
    job.getSpec().setGc(FineTuneGc.builder().ttlSecondsAfterFailure(60).keepFailedRuns(0).build());
    create(job);

    FineTuneJob failed =
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> namespace.get("ttl", FineTuneJob.class),
                j -> j.getStatus() != null && j.getStatus().getPhase() == FineTuneJobPhase.Failed);
    assertThat(failed.getStatus().getRuns()).extracting(Run::getCollected).containsOnlyNulls();
    assertThat(runJobs("ttl")).hasSize(2);

    Instant firstFailed = Instant.parse(failed.getStatus().getRuns().get(0).getFinishedAt());
    Instant secondFailed = Instant.parse(failed.getStatus().getRuns().get(1).getFinishedAt());
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> namespace.get("ttl-train-1", Job.class) == null);
    Instant collected = Instant.now();
    assertThat(collected).as("not before its TTL").isAfterOrEqualTo(firstFailed.plusSeconds(60));
    if (collected.isBefore(secondFailed.plusSeconds(59))) {
      assertThat(namespace.get("ttl-train-2", Job.class))
          .as("run 2's TTL has not passed yet")
          .isNotNull();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(namespace.get("ttl", FineTuneJob.class).getStatus().getRuns())
                  .extracting(Run::getCollected)
                  .containsExactly(true, true);
              assertThat(runJobs("ttl")).isEmpty();
            });
  }

  @Test
  void operatorRestartDuringABackoffNeitherRepeatsNorSkipsARun(InProcessOperator operator)
      throws Exception {
    inputs("restart-base", "restart-data");
    FineTuneJob job = failing(fineTuneJob("restart", "restart-base", "restart-data"));
    job.getSpec().setBackoffLimit(1);
    job.getSpec()
        .setGc(FineTuneGc.builder().ttlSecondsAfterFailure(3600).keepFailedRuns(2).build());
    create(job);
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> namespace.get("restart", FineTuneJob.class),
            j ->
                j.getStatus() != null
                    && j.getStatus().getRuns() != null
                    && j.getStatus().getRuns().get(0).getPhase() == RunPhase.Failed);

    // Down for half of the 10 s backoff: the new operator must neither start run 2 at once nor
    // forget it.
    operator.stop();
    Thread.sleep(5_000);
    assertThat(namespace.get("restart-train-2", Job.class))
        .as("nothing runs while the operator is down")
        .isNull();
    operator.start();

    FineTuneJob failed =
        await()
            .atMost(TIMEOUT)
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> namespace.get("restart", FineTuneJob.class),
                j -> j.getStatus().getPhase() == FineTuneJobPhase.Failed);
    List<Run> runs = failed.getStatus().getRuns();
    assertThat(runs).extracting(Run::getName).containsExactly("restart-train-1", "restart-train-2");
    assertThat(gap(runs.get(0), runs.get(1)))
        .as("the backoff holds across the restart")
        .isBetween(Duration.ofSeconds(10), Duration.ofSeconds(15));
    assertThat(runJobs("restart"))
        .extracting(j -> j.getMetadata().getName())
        .containsExactlyInAnyOrder("restart-train-1", "restart-train-2");
    assertThat(namespace.events("restart"))
        .extracting(Event::getReason)
        .filteredOn("RunStarted"::equals)
        .hasSize(2);
  }

  @Test
  void modelServerServesTheAdapterOfASucceededFineTuneJob() {
    inputs("served-base", "served-data");
    create(fineTuneJob("support", "served-base", "served-data"));
    namespace.awaitPhase("support", FineTuneJobPhase.Succeeded, TIMEOUT);

    ModelServer server = new ModelServer();
    server.setMetadata(
        new ObjectMetaBuilder().withName("chat").withNamespace(namespace.name()).build());
    server.setSpec(
        ModelServerSpec.builder()
            .runtime(Runtime.VLLM)
            .model(ModelSource.builder().downloadRef(new LocalRef("served-base")).build())
            .adapters(List.of(new Adapter("support-bot", new LocalRef("support"))))
            .resources(Resources.builder().gpus(1).gpuType(H100).build())
            .build());
    namespace.client().resource(server).create();

    Deployment deployment =
        await()
            .atMost(TIMEOUT)
            .until(() -> namespace.get("chat", Deployment.class), d -> d != null);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getArgs())
        .containsSubsequence("--lora-modules", "support-bot=/adapters/support-bot");
    assertThat(claimAt(pod, "/adapters/support-bot")).isEqualTo("support-output");
    assertThat(mount(pod, "/adapters/support-bot").getSubPath()).isEqualTo("support");
    assertThat(mount(pod, "/adapters/support-bot").getReadOnly()).isTrue();
  }

  @Test
  void deletingTheFineTuneJobRemovesItsJobsAndConfigMapsButNotTheResult() {
    inputs("gone-base", "gone-data");
    create(fineTuneJob("gone", "gone-base", "gone-data"));
    namespace.awaitPhase("gone", FineTuneJobPhase.Succeeded, TIMEOUT);
    assertThat(namespace.get("gone-train-1", Job.class)).isNotNull();

    namespace
        .client()
        .resources(FineTuneJob.class)
        .inNamespace(namespace.name())
        .withName("gone")
        .delete();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(namespace.get("gone", FineTuneJob.class)).isNull();
              assertThat(namespace.get("gone-train-1", Job.class)).isNull();
              assertThat(namespace.get("gone-train-1", ConfigMap.class)).isNull();
            });
    assertThat(namespace.get("gone-output", PersistentVolumeClaim.class))
        .as("the trained result stays")
        .isNotNull();
  }

  private FineTuneJob fineTuneJob(String name, String base, String data) {
    FineTuneJob job = new FineTuneJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace.name()).build());
    job.setSpec(
        FineTuneJobSpec.builder()
            .baseModel(new BaseModel(new LocalRef(base)))
            .dataset(Dataset.builder().downloadRef(new LocalRef(data)).file("train.jsonl").build())
            .resources(Resources.builder().gpus(2).gpuType(H100).build())
            .hyperparameters(
                Hyperparameters.builder().targetModules(List.of("q_proj", "v_proj")).build())
            .output(new FineTuneOutput(Storage.builder().size(new Quantity("1Gi")).build()))
            .build());
    return job;
  }

  /** Its runs' pods fail the way an out-of-memory trainer does. */
  private static FineTuneJob failing(FineTuneJob job) {
    job.getSpec()
        .setPodMetadata(
            PodMetadata.builder()
                .labels(Map.of(FAIL, "true"))
                .annotations(Map.of(FAIL + "/reason", "OOMKilled", FAIL + "/exit-code", "137"))
                .build());
    return job;
  }

  /** Two Downloads, made Succeeded as the downloader would report them. */
  private void inputs(String base, String data) {
    createDownload(base);
    createDownload(data);
    verify(base);
    verify(data);
  }

  private void createDownload(String name) {
    namespace.client().resource(SmallDownload.of(namespace.name(), name, name)).create();
  }

  private void verify(String download) {
    await()
        .atMost(TIMEOUT)
        .until(() -> namespace.get(download + "-run-1", Job.class), j -> j != null);
    DownloaderReports.verified(namespace, download, download + "-run-1");
    namespace.awaitPhase(download, DownloadPhase.Succeeded, TIMEOUT);
  }

  /**
   * Created through the API server, so that schema defaults (method, hyperparameters, gc, ...)
   * apply.
   */
  private void create(FineTuneJob job) {
    namespace.client().resource(job).create();
  }

  /** The run Jobs of a FineTuneJob that exist. */
  private List<Job> runJobs(String name) {
    return namespace.jobsOf(name).stream()
        .filter(
            j -> "fine-tune".equals(j.getMetadata().getLabels().get("app.kubernetes.io/component")))
        .toList();
  }

  /** From the end of one run to the start of the next. */
  private static Duration gap(Run failed, Run next) {
    return Duration.between(
        Instant.parse(failed.getFinishedAt()), Instant.parse(next.getStartedAt()));
  }
}
