package dev.llmfleet.modelserver;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.common.StatusPatch;
import dev.llmfleet.config.OperatorConfig;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;

@ControllerConfiguration(name = "modelserver")
public class ModelServerReconciler implements Reconciler<ModelServer> {

  private final OperatorConfig config;
  private final Clock clock;

  public ModelServerReconciler(OperatorConfig config) {
    this(config, Clock.systemUTC());
  }

  ModelServerReconciler(OperatorConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public UpdateControl<ModelServer> reconcile(ModelServer server, Context<ModelServer> context) {
    return StatusPatch.ifChanged(server, server.getStatus(), ModelServerStatuses.compute(server, clock.instant()),
        ModelServer::new);
  }
}
