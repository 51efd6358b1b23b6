package dev.llmfleet.e2e.reconcile;

import static dev.llmfleet.e2e.reconcile.Scripted.controller;
import static dev.llmfleet.e2e.support.PodSpecs.claimAt;
import static dev.llmfleet.e2e.support.PodSpecs.mount;
import static dev.llmfleet.e2e.support.PodSpecs.volume;
import static dev.llmfleet.e2e.support.Statuses.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.BaseModel;
import dev.llmfleet.api.v1alpha1.Dataset;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJobSpec;
import dev.llmfleet.api.v1alpha1.FineTuneOutput;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.e2e.support.ReconcilerExtension;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The FineTuneJob reconciler alone against the real API server: its two Downloads are made
 * Succeeded by writing their status (no Download reconciler runs), in claims and folders of the
 * test's choosing, so the run's Job shows it reads them from there. The Job controller, the
 * scheduler and KWOK are real: a run's pod completes at once, or fails when labelled {@link #FAIL}.
 */
class FineTuneJobReconcileE2E {

  @RegisterExtension
  static final ReconcilerExtension operator = ReconcilerExtension.of(FineTuneJob.class);

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String H100 = "NVIDIA-H100-80GB-HBM3";

  /**
   * KWOK's chaos stage fails a running pod with this label; the annotations set its container's
   * reason and exit code.
   */
  private static final String FAIL = "pod-container-running-failed.stage.kwok.x-k8s.io";

  private final TestNamespace namespace;
  private final Scripted scripted;

  FineTuneJobReconcileE2E(TestNamespace namespace) {
    this.namespace = namespace;
    this.scripted = new Scripted(namespace);
  }

  @Test
  void waitsForItsDownloadsThenTrainsFromTheFoldersTheirStatusNames() {
    scripted.download("tuned-base");
    scripted.download("tuned-data");
    scripted.claim("base-weights");
    scripted.claim("corpus");
    scripted.succeeded("tuned-base", "base-weights", "models/base");
    scripted.downloadStatus(
        "tuned-data", DownloadStatus.builder().phase(DownloadPhase.Downloading).build());
    String uid = create(fineTuneJob("tuned", "tuned-base", "tuned-data")).getMetadata().getUid();

    FineTuneJob waiting =
        awaitStatus("tuned", j -> j.getStatus().getPhase() == FineTuneJobPhase.WaitingForInputs);
    Condition inputs = condition(waiting, "InputsReady");
    assertThat(inputs.getStatus()).isEqualTo("False");
    assertThat(inputs.getReason()).isEqualTo("WaitingForDownload");
    assertThat(inputs.getMessage())
        .contains("Download tuned-data (data set) is Downloading")
        .doesNotContain("tuned-base");
    assertThat(condition(waiting, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(waiting, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(condition(waiting, "Stalled").getStatus()).isEqualTo("False");
    assertThat(waiting.getStatus().getRuns()).isNull();
    assertThat(namespace.get("tuned-train-1", Job.class)).isNull();
    assertThat(namespace.get("tuned-train-1", ConfigMap.class)).isNull();
    PersistentVolumeClaim output = namespace.get("tuned-output", PersistentVolumeClaim.class);
    assertThat(output).as("the output claim is made without waiting").isNotNull();

    // Nothing polls: the data set's status change itself must wake the FineTuneJob.
    scripted.succeeded("tuned-data", "corpus", "sets/tickets");

    Job run =
        await()
            .atMost(TIMEOUT)
            .until(() -> namespace.get("tuned-train-1", Job.class), Objects::nonNull);
    assertThat(controller(run)).hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo(uid));
    PodSpec pod = run.getSpec().getTemplate().getSpec();
    assertThat(claimAt(pod, "/inputs/model")).isEqualTo("base-weights");
    assertThat(mount(pod, "/inputs/model").getSubPath()).isEqualTo("models/base");
    assertThat(mount(pod, "/inputs/model").getReadOnly()).isTrue();
    assertThat(claimAt(pod, "/inputs/data")).isEqualTo("corpus");
    assertThat(mount(pod, "/inputs/data").getSubPath()).isEqualTo("sets/tickets");
    assertThat(mount(pod, "/inputs/data").getReadOnly()).isTrue();
    assertThat(claimAt(pod, "/output")).isEqualTo("tuned-output");
    ConfigMap config = namespace.get("tuned-train-1", ConfigMap.class);
    assertThat(config).as("the run's trainer config").isNotNull();
    assertThat(controller(config)).hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo(uid));
    assertThat(volume(pod, mount(pod, "/config")).getConfigMap().getName())
        .isEqualTo("tuned-train-1");
    @SuppressWarnings("unchecked")
    Map<String, Object> trainer =
        namespace
            .client()
            .getKubernetesSerialization()
            .unmarshal(config.getData().get("config.yaml"), Map.class);
    assertThat(trainer)
        .containsEntry("base_model", "/inputs/model")
        .containsEntry(
            "datasets", List.of(Map.of("path", "/inputs/data/train.jsonl", "type", "alpaca")))
        .containsEntry("output_dir", "/output/tuned/.runs/1");

    FineTuneJob done =
        awaitStatus("tuned", j -> j.getStatus().getPhase() == FineTuneJobPhase.Succeeded);
    assertThat(done.getStatus().getRuns())
        .singleElement()
        .satisfies(r -> assertThat(r.getPhase()).isEqualTo(RunPhase.Succeeded));
    assertThat(done.getStatus().getOutput().getClaimName()).isEqualTo("tuned-output");
    assertThat(done.getStatus().getOutput().getPath()).isEqualTo("tuned");
    assertThat(condition(done, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(done, "Complete").getStatus()).isEqualTo("True");
    assertThat(condition(done, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(done, "Stalled").getStatus()).isEqualTo("False");
    await()
        .atMost(TIMEOUT)
        .until(
            () -> scripted.eventReasons(FineTuneJob.class, "tuned"),
            reasons ->
                reasons.containsAll(
                    List.of("WaitingForInputs", "RunStarted", "RunSucceeded", "Succeeded")));
  }

  @Test
  void aFailedRunIsRetriedAfterTheBackoffAndTheLastFailureStallsIt() {
    inputs("flaky-base", "flaky-data");
    FineTuneJob spec = fineTuneJob("flaky", "flaky-base", "flaky-data");
    spec.getSpec().setBackoffLimit(1);
    spec.getSpec()
        .setPodMetadata(
            PodMetadata.builder()
                .labels(Map.of(FAIL, "true"))
                .annotations(Map.of(FAIL + "/reason", "OOMKilled", FAIL + "/exit-code", "137"))
                .build());
    create(spec);

    // Between the runs: the first one failed with its pod's reason, the next one is announced.
    FineTuneJob between =
        awaitStatus(
            "flaky", j -> condition(j, "Reconciling").getReason().equals("RetryingAfterFailure"));
    Run first = between.getStatus().getRuns().get(0);
    assertThat(first.getPhase()).isEqualTo(RunPhase.Failed);
    assertThat(first.getReason()).as("the pod's reason").isEqualTo("OOMKilled");
    assertThat(between.getStatus().getPhase()).isEqualTo(FineTuneJobPhase.Pending);
    assertThat(condition(between, "Reconciling").getMessage())
        .contains("run 1 failed with OOMKilled; run 2 starts at");

    FineTuneJob failed =
        awaitStatus("flaky", j -> j.getStatus().getPhase() == FineTuneJobPhase.Failed);
    List<Run> runs = failed.getStatus().getRuns();
    assertThat(runs).extracting(Run::getName).containsExactly("flaky-train-1", "flaky-train-2");
    assertThat(runs).allSatisfy(r -> assertThat(r.getReason()).isEqualTo("OOMKilled"));
    assertThat(
            Duration.between(
                Instant.parse(runs.get(0).getFinishedAt()),
                Instant.parse(runs.get(1).getStartedAt())))
        .as("the first backoff")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(condition(failed, "Stalled").getStatus()).isEqualTo("True");
    assertThat(condition(failed, "Stalled").getReason()).isEqualTo("BackoffLimitExceeded");
    assertThat(condition(failed, "Stalled").getMessage())
        .contains("2 failed runs exceed backoffLimit 1");
    assertThat(condition(failed, "Failed").getStatus()).isEqualTo("True");
    assertThat(condition(failed, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(failed, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(namespace.get("flaky-train-2", Job.class)).isNotNull();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> scripted.eventReasons(FineTuneJob.class, "flaky"),
            reasons -> reasons.containsAll(List.of("RunStarted", "OOMKilled", "Failed")));
  }

  @Test
  void aMissingSecretHoldsTheFirstRunUntilItExists() {
    inputs("gated-base", "gated-data");
    FineTuneJob spec = fineTuneJob("gated", "gated-base", "gated-data");
    spec.getSpec()
        .setSecrets(
            List.of(
                SecretEnv.builder()
                    .name("WANDB_API_KEY")
                    .secretKeyRef(new SecretKeyRef("wandb", "key"))
                    .build()));
    String uid = create(spec).getMetadata().getUid();

    FineTuneJob held = awaitStatus("gated", j -> Scripted.has(j, "SecretsReady", "False"));
    assertThat(condition(held, "SecretsReady").getReason()).isEqualTo("SecretNotFound");
    // Its secrets are all that keeps it from training, and Ready and Reconciling say so.
    assertThat(condition(held, "InputsReady").getStatus()).isEqualTo("True");
    assertThat(condition(held, "Ready").getReason()).isEqualTo("SecretNotFound");
    assertThat(condition(held, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(held, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(condition(held, "Reconciling").getReason()).isEqualTo("SecretNotFound");
    assertThat(condition(held, "Stalled").getStatus()).isEqualTo("False");
    assertThat(held.getStatus().getPhase()).isEqualTo(FineTuneJobPhase.Pending);
    assertThat(held.getStatus().getRuns()).isNull();
    assertThat(namespace.get("gated-train-1", Job.class)).isNull();

    scripted.secret("wandb", "key", "not-a-real-key");

    Job run =
        await()
            .atMost(TIMEOUT)
            .until(() -> namespace.get("gated-train-1", Job.class), Objects::nonNull);
    Secret owned = namespace.get("gated-fine-tune-env", Secret.class);
    assertThat(owned).isNotNull();
    assertThat(controller(owned)).hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo(uid));
    assertThat(owned.getData())
        .containsEntry(
            "WANDB_API_KEY",
            Base64.getEncoder().encodeToString("not-a-real-key".getBytes(StandardCharsets.UTF_8)));
    assertThat(run.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(
            "llmfleet.dev/secrets-hash",
            owned.getMetadata().getAnnotations().get("llmfleet.dev/secrets-hash"));
  }

  /** Two Downloads made Succeeded by their status, each in a claim of its own that exists. */
  private void inputs(String base, String data) {
    for (String name : List.of(base, data)) {
      scripted.download(name);
      scripted.claim(name + "-files");
      scripted.succeeded(name, name + "-files", name);
    }
  }

  private FineTuneJob fineTuneJob(String name, String base, String data) {
    FineTuneJob job = new FineTuneJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace.name()).build());
    job.setSpec(
        FineTuneJobSpec.builder()
            .baseModel(new BaseModel(new LocalRef(base)))
            .dataset(Dataset.builder().downloadRef(new LocalRef(data)).file("train.jsonl").build())
            .resources(Resources.builder().gpus(1).gpuType(H100).build())
            .output(new FineTuneOutput(Storage.builder().size(new Quantity("1Gi")).build()))
            .build());
    return job;
  }

  /** Created through the API server, so that schema defaults (method, gc, ...) apply. */
  private FineTuneJob create(FineTuneJob job) {
    return namespace.client().resource(job).create();
  }

  private FineTuneJob awaitStatus(String name, Predicate<FineTuneJob> condition) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> namespace.get(name, FineTuneJob.class),
            j ->
                j.getStatus() != null
                    && j.getStatus().getConditions() != null
                    && j.getMetadata().getGeneration().equals(j.getStatus().getObservedGeneration())
                    && condition.test(j));
  }
}
