package dev.llmfleet.e2e.reconcile;

import static dev.llmfleet.e2e.reconcile.Scripted.controller;
import static dev.llmfleet.e2e.support.Statuses.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import dev.llmfleet.e2e.support.ModelServers;
import dev.llmfleet.e2e.support.Models;
import dev.llmfleet.e2e.support.ReconcilerExtension;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ModelServer reconciler alone against the real API server: no Download reconciler runs, so
 * each Download's status is written by the test, and what the ModelServer reconciler makes of it
 * (Deployment, Service, its own Secret, status, events) is all there is to see. The Deployment
 * controller, the scheduler and KWOK are real, so pods become ready where their claim exists.
 */
class ModelServerReconcileE2E {

  @RegisterExtension
  static final ReconcilerExtension operator = ReconcilerExtension.of(ModelServer.class);

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String H100 = "NVIDIA-H100-80GB-HBM3";

  private final TestNamespace namespace;
  private final Scripted scripted;
  private final ModelServers servers;

  ModelServerReconcileE2E(TestNamespace namespace) {
    this.namespace = namespace;
    this.scripted = new Scripted(namespace);
    this.servers = new ModelServers(namespace);
  }

  @Test
  void makesNothingWhileItsDownloadIsNotSucceededThenADeploymentWithTheSecretsHash() {
    scripted.download("weights");
    scripted.downloadStatus(
        "weights", DownloadStatus.builder().phase(DownloadPhase.Downloading).build());
    scripted.secret("hub", "token", "hf_not_a_real_token");
    ModelServer spec = servers.fromDownload("chat", Runtime.LLAMA_CPP, "weights", 0, null);
    spec.getSpec().getModel().setFile("model.gguf");
    spec.getSpec()
        .setSecrets(
            List.of(
                SecretEnv.builder()
                    .name("HF_TOKEN")
                    .secretKeyRef(new SecretKeyRef("hub", "token"))
                    .build()));
    servers.create(spec);

    ModelServer waiting = servers.awaitPhase("chat", ModelServerPhase.WaitingForModel);
    Condition model = condition(waiting, "ModelAvailable");
    assertThat(model.getStatus()).isEqualTo("False");
    assertThat(model.getReason()).isEqualTo("WaitingForDownload");
    assertThat(model.getMessage()).contains("Download weights is Downloading");
    // Not ready, and nothing the operator can do until the Download is: neither in progress nor
    // stalled, for kstatus.
    assertThat(condition(waiting, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(waiting, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(waiting, "Stalled").getStatus()).isEqualTo("False");
    // The pass that wrote this status would have made them before writing it.
    assertThat(namespace.get("chat", Deployment.class)).isNull();
    assertThat(service("chat")).isNull();

    // Nothing polls: the Download's status change itself must wake the ModelServer (its secrets
    // alone would bring it back only after their 5-minute refresh).
    scripted.succeeded("weights", "shared-models", "models/weights");

    Deployment deployment =
        await()
            .atMost(TIMEOUT)
            .until(() -> namespace.get("chat", Deployment.class), Objects::nonNull);
    ModelServer server = namespace.get("chat", ModelServer.class);
    String uid = server.getMetadata().getUid();
    assertThat(controller(deployment))
        .hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo(uid));
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .map(v -> v.getPersistentVolumeClaim().getClaimName())
        .as("the claim the Download's status names")
        .containsExactly("shared-models");
    var container = pod.getContainers().get(0);
    assertThat(container.getVolumeMounts())
        .filteredOn(m -> m.getMountPath().equals("/models"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getSubPath()).isEqualTo("models/weights");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(container.getArgs()).containsSubsequence("-m", "/models/model.gguf");
    assertThat(container.getEnv())
        .filteredOn(e -> e.getName().equals("HF_TOKEN"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("chat-secrets");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("HF_TOKEN");
            });

    Secret owned = namespace.get("chat-secrets", Secret.class);
    assertThat(owned).as("the server's own copy of its secrets").isNotNull();
    assertThat(controller(owned)).hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo(uid));
    assertThat(owned.getData())
        .containsEntry(
            "HF_TOKEN",
            Base64.getEncoder()
                .encodeToString("hf_not_a_real_token".getBytes(StandardCharsets.UTF_8)));
    String hash = owned.getMetadata().getAnnotations().get("llmfleet.dev/secrets-hash");
    assertThat(hash).isNotBlank();
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .as("pods roll when the values change")
        .containsEntry("llmfleet.dev/secrets-hash", hash);

    Service service = await().atMost(TIMEOUT).until(() -> service("chat"), Objects::nonNull);
    assertThat(controller(service)).hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo(uid));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
  }

  @Test
  void aReadyServerKeepsItsDeploymentWhenItsDownloadGoesAway() {
    scripted.download("kept-weights");
    scripted.claim("kept-models");
    scripted.succeeded("kept-weights", "kept-models", "kept-weights");
    servers.create(servers.fromDownload("kept", Runtime.LLAMA_CPP, "kept-weights", 0, null));

    ModelServer ready = servers.awaitPhase("kept", ModelServerPhase.Ready);
    assertThat(condition(ready, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(ready, "Ready").getReason()).isEqualTo("ServerReady");
    assertThat(condition(ready, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(ready, "Stalled").getStatus()).isEqualTo("False");
    assertThat(condition(ready, "ModelAvailable").getStatus()).isEqualTo("True");
    assertThat(ready.getStatus().getReadyReplicas()).isEqualTo(1);
    await()
        .atMost(TIMEOUT)
        .until(() -> scripted.eventReasons(ModelServer.class, "kept").contains("Ready"));
    Deployment before = namespace.get("kept", Deployment.class);

    scripted.deleteDownload("kept-weights");

    ModelServer after =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> namespace.get("kept", ModelServer.class),
                s ->
                    condition(s, "ModelAvailable")
                        .getMessage()
                        .contains("Download kept-weights does not exist"));
    assertThat(condition(after, "ModelAvailable").getStatus()).isEqualTo("False");
    assertThat(after.getStatus().getPhase())
        .as("it keeps serving what it loaded")
        .isEqualTo(ModelServerPhase.Ready);
    assertThat(condition(after, "Ready").getStatus()).isEqualTo("True");
    Deployment kept = namespace.get("kept", Deployment.class);
    assertThat(kept).isNotNull();
    assertThat(kept.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
    assertThat(kept.getMetadata().getGeneration())
        .as("not changed either")
        .isEqualTo(before.getMetadata().getGeneration());
    assertThat(service("kept")).isNotNull();
    assertThat(namespace.podsOf("kept")).hasSize(1);
  }

  @Test
  void aModelTooBigForItsGpusStallsWithoutPodsUntilTheFitCheckIsTurnedOff() {
    scripted.download("huge");
    scripted.succeeded("huge", "huge-data", "huge", Models.LLAMA_31_70B);
    servers.create(servers.fromDownload("huge", Runtime.VLLM, "huge", 1, H100));

    ModelServer refused =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> namespace.get("huge", ModelServer.class),
                s -> s.getStatus() != null && Scripted.has(s, "Stalled", "True"));
    assertThat(refused.getStatus().getPhase()).isEqualTo(ModelServerPhase.Pending);
    assertThat(condition(refused, "Stalled").getReason()).isEqualTo("InsufficientGPUMemory");
    assertThat(condition(refused, "Stalled").getMessage())
        .contains("1 x 81559 MiB (node label nvidia.com/gpu.memory)");
    assertThat(condition(refused, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(refused, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(refused, "Scheduled").getStatus()).isEqualTo("False");
    assertThat(namespace.get("huge", Deployment.class)).isNull();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(namespace.events(ModelServer.class, "huge"))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo("InsufficientGPUMemory");
                        }));

    namespace
        .client()
        .resources(ModelServer.class)
        .inNamespace(namespace.name())
        .withName("huge")
        .edit(
            s -> {
              s.getSpec().setFitCheck(false);
              return s;
            });

    await().atMost(TIMEOUT).until(() -> namespace.get("huge", Deployment.class), Objects::nonNull);
    ModelServer unchecked =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> namespace.get("huge", ModelServer.class),
                s -> s.getMetadata().getGeneration().equals(s.getStatus().getObservedGeneration()));
    // Its claim does not exist here, so the pod waits: in progress, no longer stalled.
    assertThat(condition(unchecked, "Stalled").getStatus()).isEqualTo("False");
    assertThat(condition(unchecked, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(condition(unchecked, "Ready").getStatus()).isEqualTo("False");
  }

  private Service service(String name) {
    return namespace.get(name, Service.class);
  }
}
