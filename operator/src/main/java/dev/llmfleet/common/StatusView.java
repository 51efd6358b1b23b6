package dev.llmfleet.common;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.Run;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Objects;

/**
 * The parts of a resource's status that kstatus readers (the metrics, the kubectl plugin) need,
 * whatever its kind; empty lists when there is none.
 */
public record StatusView(List<Condition> conditions, Long observedGeneration, List<Run> runs) {

  private static final StatusView NONE = new StatusView(List.of(), null, List.of());

  public static StatusView of(HasMetadata resource) {
    if (resource instanceof Download download && download.getStatus() != null) {
      var status = download.getStatus();
      return new StatusView(
          orEmpty(status.getConditions()),
          status.getObservedGeneration(),
          orEmpty(status.getRuns()));
    }
    if (resource instanceof ModelServer server && server.getStatus() != null) {
      var status = server.getStatus();
      return new StatusView(
          orEmpty(status.getConditions()), status.getObservedGeneration(), List.of());
    }
    if (resource instanceof FineTuneJob job && job.getStatus() != null) {
      var status = job.getStatus();
      return new StatusView(
          orEmpty(status.getConditions()),
          status.getObservedGeneration(),
          orEmpty(status.getRuns()));
    }
    return NONE;
  }

  /** kstatus: the operator has not yet reported on the resource's latest spec. */
  public boolean behind(HasMetadata resource) {
    return !Objects.equals(observedGeneration, resource.getMetadata().getGeneration());
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
