package dev.llmfleet.modelserver;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelServerStatus;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.Labels;
import java.time.Instant;

/** Pure status computation for a ModelServer. */
public final class ModelServerStatuses {

  static final String COMPONENT = "model-server";

  private ModelServerStatuses() {
  }

  // Until servers run, a ModelServer stays Pending with no pods and says so through Reconciling.
  public static ModelServerStatus compute(ModelServer server, Instant now) {
    ModelServerStatus current = server.getStatus();
    long generation = server.getMetadata().getGeneration();
    int replicas = 0;
    int readyReplicas = 0;
    var conditions = current == null ? null : current.getConditions();
    conditions = Conditions.set(conditions, Conditions.RECONCILING, true, "Pending",
        "the server has not been created yet", generation, now);
    conditions = Conditions.set(conditions, Conditions.READY, false, "Pending",
        "no server pod is ready", generation, now);
    conditions = Conditions.set(conditions, Conditions.STALLED, false, "Pending", "", generation, now);
    return (current == null ? ModelServerStatus.builder() : current.toBuilder())
        .phase(ModelServerPhase.Pending)
        .replicas(replicas)
        .readyReplicas(readyReplicas)
        .readiness(readyReplicas + "/" + replicas)
        .model(describe(server.getSpec().getModel()))
        .selector(Labels.asSelectorString(Labels.selector(server, COMPONENT)))
        .conditions(conditions)
        .observedGeneration(generation)
        .build();
  }

  /** What kubectl get shows in the MODEL column: the Download's name (and file) or the URI. */
  static String describe(ModelSource model) {
    if (model.getDownloadRef() == null) {
      return model.getUri();
    }
    String name = model.getDownloadRef().getName();
    return model.getFile() == null ? name : name + "/" + model.getFile();
  }
}
