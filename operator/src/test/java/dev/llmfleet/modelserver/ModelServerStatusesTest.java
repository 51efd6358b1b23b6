package dev.llmfleet.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.AutoscalingStatus;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelServerStatus;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.modelserver.runtimes.ModelLocation;
import dev.llmfleet.secrets.SecretSync;
import dev.llmfleet.secrets.SyncResult;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelServerStatusesTest {

  static final Path PODS = Path.of("src", "test", "resources", "pods");
  static final KubernetesSerialization YAML = new KubernetesSerialization();
  static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
  static final ModelInputs READY_INPUTS =
      new ModelInputs(
          Optional.of(ModelLocation.ofUri("hf://org/model")), List.of(), null, null, false);
  static final GpuFit UNCHECKED =
      new GpuFit(GpuFit.Outcome.NOT_CHECKED, Optional.empty(), "GPU memory not checked");

  @Test
  void waitingForTheDownloadSaysWhichOne() {
    ModelInputs waiting =
        new ModelInputs(
            Optional.empty(),
            List.of(),
            ModelInputs.WAITING_FOR_DOWNLOAD,
            "Download qwen is Downloading; the server starts once it is Succeeded",
            false);

    ModelServerStatus status =
        compute(server(1), waiting, UNCHECKED, Optional.empty(), List.of(), NOW);

    assertThat(status.getPhase()).isEqualTo(ModelServerPhase.WaitingForModel);
    assertThat(condition(status, ModelServerStatuses.MODEL_AVAILABLE).getReason())
        .isEqualTo("WaitingForDownload");
    assertThat(condition(status, ModelServerStatuses.MODEL_AVAILABLE).getMessage())
        .contains("Download qwen");
    assertThat(status.getEndpoint()).isNull();
  }

  @Test
  void rolledOutAndReadyIsReady() {
    ModelServerStatus status =
        compute(
            server(2),
            READY_INPUTS,
            UNCHECKED,
            Optional.of(deployment(2, 2, 2, 2)),
            List.of(),
            NOW);

    assertThat(status.getPhase()).isEqualTo(ModelServerPhase.Ready);
    assertThat(status.getReadiness()).isEqualTo("2/2");
    assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("True");
    assertThat(condition(status, Conditions.RECONCILING).getStatus()).isEqualTo("False");
    assertThat(status.getEndpoint()).isEqualTo("http://chat.models.svc.cluster.local:8000/v1");
  }

  @Test
  void rollOutInProgressIsReconciling() {
    ModelServerStatus status =
        compute(
            server(2),
            READY_INPUTS,
            UNCHECKED,
            Optional.of(deployment(3, 1, 2, 2)),
            List.of(),
            NOW);

    assertThat(status.getPhase()).isEqualTo(ModelServerPhase.Starting);
    assertThat(condition(status, Conditions.RECONCILING).getStatus()).isEqualTo("True");
    assertThat(condition(status, Conditions.RECONCILING).getReason()).isEqualTo("RollingOut");
  }

  @Test
  void unschedulablePodGivesTheSchedulersMessage() {
    Pod pending =
        new PodBuilder()
            .withNewStatus()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage("0/3 nodes are available: 1 Insufficient nvidia.com/gpu.")
            .endCondition()
            .endStatus()
            .build();

    ModelServerStatus status =
        compute(
            server(1),
            READY_INPUTS,
            UNCHECKED,
            Optional.of(deployment(1, 0, 1, 0)),
            List.of(pending),
            NOW);

    assertThat(status.getPhase()).isEqualTo(ModelServerPhase.Pending);
    assertThat(condition(status, ModelServerStatuses.SCHEDULED).getStatus()).isEqualTo("False");
    assertThat(condition(status, ModelServerStatuses.SCHEDULED).getMessage())
        .isEqualTo("0/3 nodes are available: 1 Insufficient nvidia.com/gpu.");
  }

  @Test
  void crashLoopIsDegradedWithTheReason() {
    ModelServerStatus status =
        compute(
            server(1),
            READY_INPUTS,
            UNCHECKED,
            Optional.of(deployment(1, 0, 1, 0)),
            List.of(waitingPod("CrashLoopBackOff")),
            NOW);

    assertThat(status.getPhase()).isEqualTo(ModelServerPhase.Degraded);
    assertThat(condition(status, Conditions.READY).getReason()).isEqualTo("CrashLoopBackOff");
  }

  @Test
  void crashLoopSaysHowTheContainerLastEndedAndItsLastLogLines() throws IOException {
    Pod pod = YAML.unmarshal(Files.readString(PODS.resolve("llamacpp-crashloop.yaml")), Pod.class);

    ModelServerStatus status =
        compute(
            server(1),
            READY_INPUTS,
            UNCHECKED,
            Optional.of(deployment(1, 0, 1, 0)),
            List.of(pod),
            NOW);

    assertThat(status.getPhase()).isEqualTo(ModelServerPhase.Degraded);
    Condition ready = condition(status, Conditions.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(ready.getMessage())
        .startsWith(
            "container server is in CrashLoopBackOff: it exited with code 1 (Error): main: HTTP server is")
        .contains("failed to open GGUF file '/models/model-q4_k_m.gguf'")
        .endsWith("main: exiting due to model loading error; 0/1 replicas ready");
    assertThat(condition(status, Conditions.RECONCILING).getMessage())
        .isEqualTo(ready.getMessage());
  }

  @Test
  void aLongLastMessageKeepsItsEnd() {
    String log = "x".repeat(5000) + "\nfatal: out of memory";
    ContainerStatus container =
        new ContainerStatusBuilder()
            .withName("server")
            .withNewState()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .endWaiting()
            .endState()
            .withNewLastState()
            .withNewTerminated()
            .withExitCode(137)
            .withReason("OOMKilled")
            .withMessage(log)
            .endTerminated()
            .endLastState()
            .build();

    String message = ModelServerStatuses.broken(container).message();

    assertThat(message)
        .startsWith(
            "container server is in CrashLoopBackOff: it exited with code 137 (OOMKilled): ...")
        .endsWith("fatal: out of memory");
    assertThat(message.length()).isLessThan(ModelServerStatuses.MAX_DETAIL + 100);
  }

  @Test
  void withoutALastTerminationTheWaitingMessageIsShown() {
    ContainerStatus container =
        new ContainerStatusBuilder()
            .withName("server")
            .withNewState()
            .withNewWaiting()
            .withReason("ImagePullBackOff")
            .withMessage("Back-off pulling image \"llmfleet/llama-server:local\"")
            .endWaiting()
            .endState()
            .build();

    assertThat(ModelServerStatuses.broken(container).message())
        .isEqualTo(
            "container server is in ImagePullBackOff: Back-off pulling image \"llmfleet/llama-server:local\"");
  }

  @Test
  void imagePullFailureIsDegradedWithTheReason() {
    ModelServerStatus status =
        compute(
            server(1),
            READY_INPUTS,
            UNCHECKED,
            Optional.of(deployment(1, 0, 1, 0)),
            List.of(waitingPod("ImagePullBackOff")),
            NOW);

    assertThat(status.getPhase()).isEqualTo(ModelServerPhase.Degraded);
    assertThat(condition(status, Conditions.READY).getReason()).isEqualTo("ImagePullBackOff");
  }

  @Test
  void zeroReplicasParksTheServerWithoutReconciling() {
    ModelServerStatus status =
        compute(
            server(0),
            READY_INPUTS,
            UNCHECKED,
            Optional.of(deployment(0, 0, 0, 0)),
            List.of(),
            NOW);

    assertThat(status.getPhase()).isEqualTo(ModelServerPhase.Pending);
    assertThat(condition(status, Conditions.READY).getReason()).isEqualTo("Parked");
    assertThat(condition(status, Conditions.RECONCILING).getStatus()).isEqualTo("False");
  }

  @Test
  void refusedObjectsSayWhyAndKeepWhatWasKnown() {
    ModelServer server = server(1);
    server.setStatus(
        compute(
            server, READY_INPUTS, UNCHECKED, Optional.of(deployment(1, 1, 1, 1)), List.of(), NOW));

    ModelServerStatus status =
        ModelServerStatuses.applyFailed(
            server,
            "Internal error occurred: failed to allocate a serviceIP: range is full",
            NOW.plusSeconds(60));

    assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("False");
    assertThat(condition(status, Conditions.READY).getReason())
        .isEqualTo(ModelServerStatuses.APPLY_FAILED);
    assertThat(condition(status, Conditions.RECONCILING).getStatus()).isEqualTo("True");
    assertThat(condition(status, Conditions.RECONCILING).getMessage()).contains("range is full");
    assertThat(status.getReadyReplicas()).isEqualTo(1);
    assertThat(status.getEndpoint()).isEqualTo("http://chat.models.svc.cluster.local:8000/v1");
  }

  @Test
  void refusedObjectsOfANewServerStillGetAStatus() {
    ModelServerStatus status = ModelServerStatuses.applyFailed(server(1), "forbidden", NOW);

    assertThat(status.getPhase()).isEqualTo(ModelServerPhase.Pending);
    assertThat(status.getSelector()).contains("app.kubernetes.io/instance=chat");
    assertThat(condition(status, Conditions.READY).getReason())
        .isEqualTo(ModelServerStatuses.APPLY_FAILED);
  }

  @Test
  void recomputingASettledStatusChangesNothing() {
    ModelServer server = server(1);
    ModelServerStatus first =
        compute(
            server, READY_INPUTS, UNCHECKED, Optional.of(deployment(1, 1, 1, 1)), List.of(), NOW);
    server.setStatus(first);

    ModelServerStatus second =
        compute(
            server,
            READY_INPUTS,
            UNCHECKED,
            Optional.of(deployment(1, 1, 1, 1)),
            List.of(),
            NOW.plusSeconds(600));

    assertThat(second).isEqualTo(first);
  }

  @Test
  void withAutoscalingTheAutoscalersCountIsTheDesiredOneNotSpecReplicas() {
    AutoscalingStatus scaling =
        AutoscalingStatus.builder()
            .desiredReplicas(3)
            .observed(2.5)
            .message("recommended 3; spec.replicas (1) is ignored")
            .build();

    ModelServerStatus scalingUp =
        compute(
            server(1),
            READY_INPUTS,
            UNCHECKED,
            Optional.of(deployment(3, 1, 3, 1)),
            List.of(),
            Optional.of(scaling),
            NOW);
    assertThat(scalingUp.getPhase()).isEqualTo(ModelServerPhase.Starting);
    assertThat(scalingUp.getReadiness()).isEqualTo("1/3");
    assertThat(scalingUp.getAutoscaling()).isEqualTo(scaling);

    ModelServerStatus scaled =
        compute(
            server(1),
            READY_INPUTS,
            UNCHECKED,
            Optional.of(deployment(3, 3, 3, 3)),
            List.of(),
            Optional.of(scaling),
            NOW);
    assertThat(scaled.getPhase()).isEqualTo(ModelServerPhase.Ready);
    assertThat(scaled.getReadiness()).isEqualTo("3/3");
  }

  @Test
  void unreadableSecretsKeepAServerWithoutPodsPendingAndSaySo() {
    SyncResult failing =
        new SyncResult(
            false,
            Optional.empty(),
            "SecretNotFound",
            "Secret hf-token (secrets entry HF_TOKEN) does not exist in namespace team-a",
            Optional.of(Duration.ofSeconds(5)));

    ModelServerStatus waiting =
        ModelServerStatuses.compute(
            server(1),
            new ModelServerStatuses.Observed(
                READY_INPUTS, UNCHECKED, failing, Optional.empty(), List.of(), Optional.empty()),
            NOW);

    assertThat(waiting.getPhase()).isEqualTo(ModelServerPhase.Pending);
    assertThat(condition(waiting, Conditions.READY).getReason()).isEqualTo("SecretNotFound");
    assertThat(condition(waiting, Conditions.RECONCILING).getStatus()).isEqualTo("True");
    assertThat(condition(waiting, Conditions.STALLED).getStatus()).isEqualTo("False");
    assertThat(condition(waiting, SecretSync.CONDITION).getStatus()).isEqualTo("False");
    assertThat(condition(waiting, SecretSync.CONDITION).getMessage()).contains("hf-token");

    // A server that runs keeps running with the values it has: its phase comes from its pods.
    ModelServerStatus running =
        ModelServerStatuses.compute(
            server(1),
            new ModelServerStatuses.Observed(
                READY_INPUTS,
                UNCHECKED,
                failing,
                Optional.of(deployment(1, 1, 1, 1)),
                List.of(),
                Optional.empty()),
            NOW);
    assertThat(running.getPhase()).isEqualTo(ModelServerPhase.Ready);
    assertThat(condition(running, SecretSync.CONDITION).getStatus()).isEqualTo("False");
  }

  @Test
  void aFailedDownloadStallsTheServerInsteadOfKeepingItReconciling() {
    ModelInputs failed =
        new ModelInputs(
            Optional.empty(),
            List.of(),
            ModelInputs.WAITING_FOR_DOWNLOAD,
            "Download qwen is Failed; the server starts once it is Succeeded",
            true);

    ModelServerStatus status = compute(server(1), failed, UNCHECKED, Optional.empty(), List.of());

    assertThat(status.getPhase()).isEqualTo(ModelServerPhase.WaitingForModel);
    assertThat(condition(status, Conditions.STALLED).getStatus()).isEqualTo("True");
    assertThat(condition(status, Conditions.STALLED).getMessage()).contains("qwen is Failed");
    assertThat(condition(status, Conditions.RECONCILING).getStatus()).isEqualTo("False");
  }

  /** Without secrets or autoscaling. */
  static ModelServerStatus compute(
      ModelServer server,
      ModelInputs inputs,
      GpuFit fit,
      Optional<Deployment> deployment,
      List<Pod> pods,
      Instant now) {
    return compute(server, inputs, fit, deployment, pods, Optional.empty(), now);
  }

  static ModelServerStatus compute(
      ModelServer server,
      ModelInputs inputs,
      GpuFit fit,
      Optional<Deployment> deployment,
      List<Pod> pods,
      Optional<AutoscalingStatus> autoscaling,
      Instant now) {
    return ModelServerStatuses.compute(
        server,
        new ModelServerStatuses.Observed(
            inputs, fit, SyncResult.NO_SECRETS, deployment, pods, autoscaling),
        now);
  }

  static ModelServerStatus compute(
      ModelServer server,
      ModelInputs inputs,
      GpuFit fit,
      Optional<Deployment> deployment,
      List<Pod> pods) {
    return compute(server, inputs, fit, deployment, pods, NOW);
  }

  static ModelServer server(int replicas) {
    ModelServer server = ModelServerResourcesTest.server(Runtime.VLLM, 1, null);
    server.getMetadata().setGeneration(1L);
    server.getSpec().setReplicas(replicas);
    return server;
  }

  /** A Deployment at generation 1, observed, with the given counts. */
  static Deployment deployment(int replicas, int ready, int updated, int available) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withGeneration(1L)
        .endMetadata()
        .withNewStatus()
        .withObservedGeneration(1L)
        .withReplicas(replicas)
        .withReadyReplicas(ready)
        .withUpdatedReplicas(updated)
        .withAvailableReplicas(available)
        .endStatus()
        .build();
  }

  static Pod waitingPod(String reason) {
    return new PodBuilder()
        .withNewStatus()
        .withPhase("Running")
        .addNewContainerStatus()
        .withName("server")
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .endWaiting()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  static Condition condition(ModelServerStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow();
  }
}
