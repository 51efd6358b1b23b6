package dev.llmfleet.cli;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.Optional;

/**
 * What a pod says about itself: the scheduler's verdict, then its containers' states and last
 * words.
 */
final class PodStates {

  /** Characters of a container's last words shown; its log has the rest. */
  private static final int MAX_WORDS = 400;

  private PodStates() {}

  static boolean isReady(Pod pod) {
    return condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** The pod's link in a why chain. */
  static Why.Link link(Pod pod) {
    String object = "Pod/" + pod.getMetadata().getName();
    Optional<PodCondition> scheduled =
        condition(pod, "PodScheduled").filter(c -> "False".equals(c.getStatus()));
    if (scheduled.isPresent()) {
      return new Why.Link(
          object, "PodScheduled=False", scheduled.get().getReason(), scheduled.get().getMessage());
    }
    List<ContainerStatus> containers =
        pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
            ? List.of()
            : pod.getStatus().getContainerStatuses();
    // The container that tells most: one waiting or ended beats one running.
    Optional<ContainerStatus> telling =
        containers.stream()
            .filter(
                c ->
                    c.getState() != null
                        && (c.getState().getWaiting() != null
                            || c.getState().getTerminated() != null))
            .findFirst()
            .or(() -> containers.stream().findFirst());
    String phase = pod.getStatus() == null ? "Unknown" : pod.getStatus().getPhase();
    if (telling.isEmpty() || telling.get().getState() == null) {
      return new Why.Link(object, phase, null, null);
    }
    ContainerStatus container = telling.get();
    var state = container.getState();
    if (state.getTerminated() != null) {
      ContainerStateTerminated ended = state.getTerminated();
      return new Why.Link(object, phase, ended.getReason(), exited(container.getName(), ended));
    }
    if (state.getWaiting() != null) {
      StringBuilder message =
          new StringBuilder("container ").append(container.getName()).append(" is waiting");
      if (state.getWaiting().getMessage() != null && !state.getWaiting().getMessage().isBlank()) {
        message.append(": ").append(tail(state.getWaiting().getMessage()));
      }
      ContainerStateTerminated last =
          container.getLastState() == null ? null : container.getLastState().getTerminated();
      if (last != null) {
        message.append("; before: ").append(exited(container.getName(), last));
      }
      return new Why.Link(object, phase, state.getWaiting().getReason(), message.toString());
    }
    boolean ready = Boolean.TRUE.equals(container.getReady());
    return new Why.Link(
        object,
        phase,
        ready ? "Ready" : "NotReady",
        "container "
            + container.getName()
            + (ready ? " is ready" : " is running but not ready: its readiness probe fails")
            + (container.getRestartCount() != null && container.getRestartCount() > 0
                ? "; " + container.getRestartCount() + " restarts"
                : ""));
  }

  /** "container download exited with code 1: &lt;its termination message&gt;". */
  private static String exited(String container, ContainerStateTerminated ended) {
    String words =
        ended.getMessage() == null || ended.getMessage().isBlank()
            ? ""
            : ": " + tail(ended.getMessage());
    return "container " + container + " exited with code " + ended.getExitCode() + words;
  }

  private static String tail(String text) {
    String stripped = text.strip().replaceAll("\\s*\\R\\s*", " | ");
    return stripped.length() <= MAX_WORDS
        ? stripped
        : "..." + stripped.substring(stripped.length() - MAX_WORDS);
  }

  private static Optional<PodCondition> condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }
}
