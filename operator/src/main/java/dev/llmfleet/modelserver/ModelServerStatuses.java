package dev.llmfleet.modelserver;

import dev.llmfleet.api.v1alpha1.AutoscalingStatus;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelServerStatus;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.Urls;
import dev.llmfleet.secrets.SyncResult;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Pure status computation for a ModelServer, from its inputs, its Deployment and its pods. */
public final class ModelServerStatuses {

  public static final String MODEL_AVAILABLE = "ModelAvailable";
  public static final String SCHEDULED = "Scheduled";
  public static final String APPLY_FAILED = Conditions.APPLY_FAILED;
  public static final String INSUFFICIENT_GPU_MEMORY = "InsufficientGPUMemory";

  /**
   * Container states that will not fix themselves quickly; the server is degraded while they last.
   */
  static final Set<String> BROKEN_CONTAINER_STATES =
      Set.of(
          "ImagePullBackOff",
          "ErrImagePull",
          "CrashLoopBackOff",
          "CreateContainerConfigError",
          "InvalidImageName",
          "RunContainerError");

  /** Characters of a container's last words kept in the condition message. */
  static final int MAX_DETAIL = 1024;

  private ModelServerStatuses() {}

  /**
   * What one pass of the reconciler saw, resolved once: everything the status is computed from.
   *
   * @param fit whether the model fits in the GPUs' memory; a refusal means no Deployment is kept
   * @param secrets the outcome of the secrets step; while it fails, a server without pods gets none
   * @param deployment the server's Deployment, if it exists
   * @param pods the server's pods
   * @param autoscaling the autoscaler's decision while spec.autoscaling is set: its replica count,
   *     not spec.replicas, is then what the server is to have
   */
  public record Observed(
      ModelInputs inputs,
      GpuFit fit,
      SyncResult secrets,
      Optional<Deployment> deployment,
      List<Pod> pods,
      Optional<AutoscalingStatus> autoscaling) {}

  /** The whole status, conditions included; the reconciler changes nothing in it afterwards. */
  public static ModelServerStatus compute(ModelServer server, Observed observed, Instant now) {
    ModelInputs inputs = observed.inputs();
    GpuFit fit = observed.fit();
    SyncResult secrets = observed.secrets();
    Optional<Deployment> deployment = observed.deployment();
    List<Pod> pods = observed.pods();
    Optional<AutoscalingStatus> autoscaling = observed.autoscaling();
    long generation = server.getMetadata().getGeneration();
    int desired =
        autoscaling
            .map(AutoscalingStatus::getDesiredReplicas)
            .orElse(server.getSpec().getReplicas() == null ? 1 : server.getSpec().getReplicas());
    int replicas =
        deployment
            .map(d -> d.getStatus() == null ? null : d.getStatus().getReplicas())
            .map(Integer::intValue)
            .orElse(0);
    int ready =
        deployment
            .map(d -> d.getStatus() == null ? null : d.getStatus().getReadyReplicas())
            .map(Integer::intValue)
            .orElse(0);

    Optional<String> unschedulable =
        pods.stream()
            .map(ModelServerStatuses::unschedulableMessage)
            .flatMap(Optional::stream)
            .findFirst();
    Optional<Broken> broken =
        pods.stream().flatMap(ModelServerStatuses::brokenContainer).findFirst();
    boolean rolledOut = deployment.map(d -> isRolledOut(d, desired)).orElse(false);
    boolean fitRefused = fit.blocks() && desired > 0;
    String fitRefusal = fit.message() + "; no pods are made (spec.fitCheck: false skips the check)";

    ModelServerPhase phase;
    String reason;
    String message;
    boolean stalled = false;
    if (!inputs.ready() && deployment.isEmpty()) {
      phase = ModelServerPhase.WaitingForModel;
      reason = inputs.waitReason();
      message = inputs.waitMessage();
      stalled = inputs.inputFailed();
    } else if (!secrets.ready() && deployment.isEmpty()) {
      // No pods without their secrets; the secrets step retries by itself.
      phase = ModelServerPhase.Pending;
      reason = secrets.reason();
      message = secrets.message();
    } else if (desired == 0) {
      phase = ModelServerPhase.Pending;
      reason = "Parked";
      message = "spec.replicas is 0: no server runs";
    } else if (fit.blocks()) {
      phase = ModelServerPhase.Pending;
      reason = INSUFFICIENT_GPU_MEMORY;
      message = fitRefusal;
      stalled = true;
    } else if (broken.isPresent()) {
      phase = ModelServerPhase.Degraded;
      reason = broken.get().reason();
      message = broken.get().message() + "; " + ready + "/" + desired + " replicas ready";
    } else if (unschedulable.isPresent() && ready == 0) {
      phase = ModelServerPhase.Pending;
      reason = "Unschedulable";
      message = unschedulable.get();
    } else if (rolledOut && ready >= desired) {
      phase = ModelServerPhase.Ready;
      reason = "ServerReady";
      message = ready + "/" + desired + " replicas ready";
    } else {
      phase = ModelServerPhase.Starting;
      reason = deployment.isEmpty() ? "Creating" : rolledOut ? "Starting" : "RollingOut";
      message = ready + "/" + desired + " replicas ready";
    }

    boolean isReady = phase == ModelServerPhase.Ready;
    boolean settled =
        isReady || phase == ModelServerPhase.WaitingForModel || "Parked".equals(reason) || stalled;
    ModelServerStatus stored = server.getStatus();
    List<Condition> conditions = stored == null ? null : stored.getConditions();
    conditions =
        Conditions.set(conditions, Conditions.READY, isReady, reason, message, generation, now);
    conditions =
        Conditions.set(
            conditions,
            Conditions.RECONCILING,
            !settled,
            reason,
            settled ? "" : message,
            generation,
            now);
    conditions =
        Conditions.set(
            conditions,
            Conditions.STALLED,
            stalled,
            reason,
            stalled ? message : "",
            generation,
            now);
    conditions =
        Conditions.set(
            conditions,
            MODEL_AVAILABLE,
            inputs.ready(),
            inputs.ready() ? "ModelReady" : inputs.waitReason(),
            inputs.ready()
                ? describe(server.getSpec().getModel()) + " is ready"
                : inputs.waitMessage(),
            generation,
            now);
    if (fitRefused) {
      conditions =
          Conditions.set(
              conditions, SCHEDULED, false, INSUFFICIENT_GPU_MEMORY, fitRefusal, generation, now);
    } else {
      conditions =
          Conditions.set(
              conditions,
              SCHEDULED,
              unschedulable.isEmpty(),
              unschedulable.isPresent() ? "Unschedulable" : "Scheduled",
              unschedulable.orElse(fit.message()),
              generation,
              now);
    }
    conditions = secrets.condition(conditions, generation, now);

    return ModelServerStatus.builder()
        .phase(phase)
        .replicas(replicas)
        .readyReplicas(ready)
        .readiness(ready + "/" + desired)
        .model(describe(server.getSpec().getModel()))
        .selector(Labels.asSelectorString(ModelServerResources.selector(server)))
        .endpoint(
            deployment.isPresent() || inputs.ready() ? ModelServerResources.endpoint(server) : null)
        .gpuMemory(fit.memory().orElse(null))
        .autoscaling(autoscaling.orElse(null))
        .conditions(conditions)
        .observedGeneration(generation)
        .build();
  }

  /**
   * The status when the server's objects could not be applied (the API server refused a Deployment
   * or Service): what was known before, with Ready=False and Reconciling=True saying why, while
   * JOSDK retries.
   */
  public static ModelServerStatus applyFailed(ModelServer server, String error, Instant now) {
    long generation = server.getMetadata().getGeneration();
    ModelServerStatus stored = server.getStatus();
    String message = "cannot create or update the server's Deployment or Service: " + error;
    List<Condition> conditions =
        Conditions.applyFailed(
            stored == null ? null : stored.getConditions(), message, generation, now);
    return (stored == null
            ? ModelServerStatus.builder().phase(ModelServerPhase.Pending)
            : stored.toBuilder())
        .model(describe(server.getSpec().getModel()))
        .selector(Labels.asSelectorString(ModelServerResources.selector(server)))
        .conditions(conditions)
        .observedGeneration(generation)
        .build();
  }

  private static boolean isRolledOut(Deployment deployment, int desired) {
    var status = deployment.getStatus();
    if (status == null) {
      return false;
    }
    return status.getObservedGeneration() != null
        && status.getObservedGeneration() >= deployment.getMetadata().getGeneration()
        && Objects.equals(status.getUpdatedReplicas(), desired)
        && Objects.equals(status.getReplicas(), desired)
        && Objects.equals(status.getAvailableReplicas(), desired);
  }

  /**
   * The scheduler's own words, e.g. "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, ...".
   */
  private static Optional<String> unschedulableMessage(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(
            c ->
                "PodScheduled".equals(c.getType())
                    && "False".equals(c.getStatus())
                    && "Unschedulable".equals(c.getReason()))
        .map(PodCondition::getMessage)
        .findFirst();
  }

  /** A container in one of {@link #BROKEN_CONTAINER_STATES}, and what it says about why. */
  record Broken(String reason, String message) {}

  private static Stream<Broken> brokenContainer(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Stream.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(
            c ->
                c.getState() != null
                    && c.getState().getWaiting() != null
                    && BROKEN_CONTAINER_STATES.contains(c.getState().getWaiting().getReason()))
        .map(ModelServerStatuses::broken);
  }

  /**
   * "container server is in CrashLoopBackOff: it exited with code 1 (Error): &lt;its last
   * words&gt;". The last words are lastState.terminated.message: the container's termination log,
   * or with terminationMessagePolicy FallbackToLogsOnError (as the server containers have) the tail
   * of its log when it failed without writing one. Without a last termination, the waiting message
   * (for example the image pull's error).
   */
  static Broken broken(ContainerStatus container) {
    ContainerStateWaiting waiting = container.getState().getWaiting();
    StringBuilder message =
        new StringBuilder("container ")
            .append(container.getName())
            .append(" is in ")
            .append(waiting.getReason());
    ContainerStateTerminated last =
        container.getLastState() == null ? null : container.getLastState().getTerminated();
    if (last != null) {
      message.append(": it exited with code ").append(last.getExitCode());
      if (last.getReason() != null && !last.getReason().isBlank()) {
        message.append(" (").append(last.getReason()).append(')');
      }
      if (last.getMessage() != null && !last.getMessage().isBlank()) {
        message.append(": ").append(tail(last.getMessage().strip()));
      }
    } else if (waiting.getMessage() != null && !waiting.getMessage().isBlank()) {
      message.append(": ").append(tail(waiting.getMessage().strip()));
    }
    return new Broken(waiting.getReason(), message.toString());
  }

  /**
   * The end of a long text, where a failing program says why; conditions and events should stay
   * short.
   */
  static String tail(String text) {
    return text.length() <= MAX_DETAIL ? text : "..." + text.substring(text.length() - MAX_DETAIL);
  }

  /** What kubectl get shows in the MODEL column: the Download's name (and file) or the URI. */
  static String describe(ModelSource model) {
    if (model.getDownloadRef() == null) {
      return Urls.redact(model.getUri());
    }
    String name = model.getDownloadRef().getName();
    return model.getFile() == null ? name : name + "/" + model.getFile();
  }
}
