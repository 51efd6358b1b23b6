package dev.llmfleet.e2e.reconcile;

import static dev.llmfleet.e2e.reconcile.Scripted.controller;
import static dev.llmfleet.e2e.support.Statuses.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.ModelServers;
import dev.llmfleet.e2e.support.ReconcilerExtension;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Download reconciler alone against the real API server. No downloader runs (the pods are
 * KWOK's); the Job controller is real, so a run whose pod fails ends as Kubernetes ends it, and
 * ModelServers are only objects here, read by the Download reconciler's informer.
 */
class DownloadReconcileE2E {

  @RegisterExtension
  static final ReconcilerExtension operator = ReconcilerExtension.of(Download.class);

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** KWOK's chaos stage fails a running pod with this label, as a crashing downloader would. */
  private static final String FAIL = "pod-container-running-failed.stage.kwok.x-k8s.io";

  private final TestNamespace namespace;
  private final Scripted scripted;

  DownloadReconcileE2E(TestNamespace namespace) {
    this.namespace = namespace;
    this.scripted = new Scripted(namespace);
  }

  @Test
  void startsTheFirstRunsJobBesideItsClaimAndIdentityAndRecordsTheRun() {
    Download download = create(SmallDownload.of(namespace.name(), "first", "first.gguf"));
    String uid = download.getMetadata().getUid();

    Download running = awaitStatus("first", d -> d.getStatus().getRuns() != null);
    assertThat(running.getStatus().getRuns())
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.getName()).isEqualTo("first-run-1");
              assertThat(run.getAttempt()).isEqualTo(1);
              assertThat(run.getPhase()).isEqualTo(RunPhase.Running);
            });
    assertThat(running.getStatus().getPhase()).isEqualTo(DownloadPhase.Pending);
    assertThat(running.getStatus().getAttempts()).isEqualTo(1);
    assertThat(running.getStatus().getClaimName()).isEqualTo("first-data");
    assertThat(running.getStatus().getPath()).isEqualTo("first");
    assertThat(running.getStatus().getObservedGeneration())
        .isEqualTo(running.getMetadata().getGeneration());
    assertThat(condition(running, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(running, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(condition(running, "Stalled").getStatus()).isEqualTo("False");

    // The run the status records is a Job that exists, and the Download controls it.
    Job job = namespace.get("first-run-1", Job.class);
    assertThat(job).isNotNull();
    assertThat(controller(job)).hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo(uid));
    assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("first-downloader");
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .map(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactly("first-data");
    for (var owned :
        List.of(
            namespace.get("first-data", PersistentVolumeClaim.class),
            namespace.get("first-downloader", ServiceAccount.class),
            namespace.get("first-downloader", Role.class),
            namespace.get("first-downloader", RoleBinding.class))) {
      assertThat(owned).isNotNull();
      assertThat(controller(owned))
          .as(owned.getKind())
          .hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo(uid));
    }
    await()
        .atMost(TIMEOUT)
        .until(() -> scripted.eventReasons(Download.class, "first").contains("RunStarted"));
  }

  @Test
  void aMissingSecretHoldsTheRunUntilItExistsThenItsValueIsInTheDownloadsOwnSecret() {
    Download spec = SmallDownload.of(namespace.name(), "gated", "gated.gguf");
    spec.getSpec()
        .setSecrets(
            List.of(
                SecretEnv.builder()
                    .name("MIRROR_TOKEN")
                    .secretKeyRef(new SecretKeyRef("mirror", "token"))
                    .build()));
    String uid = create(spec).getMetadata().getUid();

    Download held = awaitStatus("gated", d -> Scripted.has(d, "SecretsReady", "False"));
    assertThat(condition(held, "SecretsReady").getReason()).isEqualTo("SecretNotFound");
    assertThat(condition(held, "SecretsReady").getMessage()).contains("mirror");
    assertThat(held.getStatus().getPhase()).isEqualTo(DownloadPhase.Pending);
    assertThat(condition(held, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(held, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(condition(held, "Stalled").getStatus()).isEqualTo("False");
    assertThat(held.getStatus().getRuns()).as("no run without its secrets").isNull();
    assertThat(namespace.get("gated-run-1", Job.class)).isNull();
    assertThat(namespace.get("gated-download-env", Secret.class)).isNull();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(namespace.events(Download.class, "gated"))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo("SecretNotFound");
                        }));

    // Secrets are not watched: the reconciler looks again on its retry delay.
    scripted.secret("mirror", "token", "t0ken");

    Job job =
        await()
            .atMost(TIMEOUT)
            .until(() -> namespace.get("gated-run-1", Job.class), Objects::nonNull);
    Secret owned = namespace.get("gated-download-env", Secret.class);
    assertThat(owned).isNotNull();
    assertThat(controller(owned)).hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo(uid));
    assertThat(owned.getData())
        .containsEntry(
            "MIRROR_TOKEN",
            Base64.getEncoder().encodeToString("t0ken".getBytes(StandardCharsets.UTF_8)));
    assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(
            "llmfleet.dev/secrets-hash",
            owned.getMetadata().getAnnotations().get("llmfleet.dev/secrets-hash"));
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .filteredOn(e -> e.getName().equals("MIRROR_TOKEN"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("gated-download-env"));
    Download released =
        awaitStatus("gated", d -> condition(d, "SecretsReady").getStatus().equals("True"));
    assertThat(released.getStatus().getRuns()).hasSize(1);
  }

  @Test
  void aRunWhosePodFailsFailsTheDownloadWithoutRetryAndStartsTheCleanup() {
    Download spec = SmallDownload.of(namespace.name(), "broken", "broken.gguf");
    spec.getSpec().setBackoffLimit(0);
    spec.getSpec().setPodMetadata(PodMetadata.builder().labels(Map.of(FAIL, "true")).build());
    String uid = create(spec).getMetadata().getUid();

    Download failed = awaitStatus("broken", d -> d.getStatus().getPhase() == DownloadPhase.Failed);

    assertThat(failed.getStatus().getRuns())
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.getPhase()).isEqualTo(RunPhase.Failed);
              assertThat(run.getReason()).isEqualTo("NoResultReported");
              assertThat(run.getFinishedAt()).isNotNull();
            });
    assertThat(condition(failed, "Stalled").getStatus()).isEqualTo("True");
    assertThat(condition(failed, "Stalled").getReason()).isEqualTo("NoResultReported");
    assertThat(condition(failed, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(failed, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(namespace.get("broken-run-1", Job.class).getStatus().getFailed())
        .as("the Job controller failed the run")
        .isEqualTo(1);
    assertThat(namespace.get("broken-run-2", Job.class)).as("backoffLimit 0: no retry").isNull();
    Job cleanup =
        await()
            .atMost(TIMEOUT)
            .until(() -> namespace.get("broken-cleanup", Job.class), Objects::nonNull);
    assertThat(controller(cleanup)).hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo(uid));
    assertThat(cleanup.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly("cleanup", "--root", "/volume", "--path", "broken");
    await()
        .atMost(TIMEOUT)
        .until(
            () -> scripted.eventReasons(Download.class, "broken"),
            reasons -> reasons.containsAll(List.of("RunStarted", "NoResultReported", "Failed")));
  }

  @Test
  void aModelServerThatReadsTheDownloadBecomesAnOwnerOfItsClaim() {
    Download download = create(SmallDownload.of(namespace.name(), "shared", "shared.gguf"));
    awaitStatus("shared", d -> d.getStatus().getRuns() != null);
    assertThat(namespace.get("shared-data", PersistentVolumeClaim.class).getMetadata())
        .satisfies(m -> assertThat(m.getOwnerReferences()).hasSize(1));

    // Only an object here: no ModelServer reconciler runs.
    ModelServer server =
        namespace
            .client()
            .resource(
                new ModelServers(namespace)
                    .fromDownload("reader", Runtime.LLAMA_CPP, "shared", 0, null))
            .create();

    PersistentVolumeClaim claim =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> namespace.get("shared-data", PersistentVolumeClaim.class),
                c -> c.getMetadata().getOwnerReferences().size() == 2);
    assertThat(controller(claim))
        .hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo(download.getMetadata().getUid()));
    assertThat(claim.getMetadata().getOwnerReferences())
        .filteredOn(o -> o.getUid().equals(server.getMetadata().getUid()))
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("ModelServer");
              assertThat(o.getController()).isNotEqualTo(Boolean.TRUE);
              assertThat(o.getBlockOwnerDeletion()).isNotEqualTo(Boolean.TRUE);
            });
  }

  /**
   * Fails today: the ModelServer informer maps a server only to the Download its new spec names, so
   * the old Download is not reconciled and its claim keeps the server as an owner (deleting the old
   * Download then leaves its claim and files until the server goes).
   */
  @Test
  void aModelServerThatMovesToAnotherDownloadNoLongerOwnsTheFirstOnesClaim() {
    create(SmallDownload.of(namespace.name(), "old-weights", "old.gguf"));
    create(SmallDownload.of(namespace.name(), "new-weights", "new.gguf"));
    ModelServer server =
        namespace
            .client()
            .resource(
                new ModelServers(namespace)
                    .fromDownload("mover", Runtime.LLAMA_CPP, "old-weights", 0, null))
            .create();
    String uid = server.getMetadata().getUid();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> namespace.get("old-weights-data", PersistentVolumeClaim.class),
            c ->
                c != null
                    && c.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> o.getUid().equals(uid)));
    // Settled: Succeeded, its Job gone, so that no event of its own wakes the old Download later.
    DownloaderReports.verified(namespace, "old-weights", "old-weights-run-1");
    awaitStatus("old-weights", d -> d.getStatus().getPhase() == DownloadPhase.Succeeded);
    await().atMost(TIMEOUT).until(() -> namespace.get("old-weights-run-1", Job.class) == null);

    namespace
        .client()
        .resources(ModelServer.class)
        .inNamespace(namespace.name())
        .withName("mover")
        .edit(
            s -> {
              s.getSpec().getModel().getDownloadRef().setName("new-weights");
              return s;
            });

    await()
        .atMost(TIMEOUT)
        .until(
            () -> namespace.get("new-weights-data", PersistentVolumeClaim.class),
            c ->
                c != null
                    && c.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> o.getUid().equals(uid)));
    await()
        .atMost(TIMEOUT)
        .until(
            () -> namespace.get("old-weights-data", PersistentVolumeClaim.class),
            c ->
                c.getMetadata().getOwnerReferences().stream()
                    .noneMatch(o -> o.getUid().equals(uid)));
  }

  private Download create(Download download) {
    return namespace.client().resource(download).create();
  }

  private Download awaitStatus(String name, Predicate<Download> condition) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> namespace.get(name, Download.class),
            d ->
                d.getStatus() != null
                    && d.getStatus().getConditions() != null
                    && condition.test(d));
  }
}
