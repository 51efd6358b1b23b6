package dev.llmfleet.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maps pods back to their resource. They belong to a Job or a ReplicaSet, not to it, and carry its
 * instance label, which for a name longer than a label value is not the name itself: the resources
 * are indexed by that value.
 */
public final class InstancePods {

  private static final String BY_INSTANCE = "by-instance-label";

  private InstancePods() {}

  /** Call once per controller, in prepareEventSources: it indexes the controller's resources. */
  public static <P extends HasMetadata> SecondaryToPrimaryMapper<Pod> mapper(
      EventSourceContext<P> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            BY_INSTANCE, resource -> List.of(IndexKeys.of(resource, Labels.instance(resource))));
    return pod -> {
      String instance =
          pod.getMetadata().getLabels() == null
              ? null
              : pod.getMetadata().getLabels().get(Labels.INSTANCE);
      if (instance == null) {
        return Set.of();
      }
      return context.getPrimaryCache().byIndex(BY_INSTANCE, IndexKeys.of(pod, instance)).stream()
          .map(ResourceID::fromResource)
          .collect(Collectors.toSet());
    };
  }
}
