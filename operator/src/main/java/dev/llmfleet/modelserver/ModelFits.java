package dev.llmfleet.modelserver;

import dev.llmfleet.api.v1alpha1.ModelServer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * A server whose model cannot fit in its GPUs' memory has no Deployment: JOSDK deletes one that
 * exists. The reconciler checked the fit for this pass ({@link GpuFit}).
 */
public class ModelFits implements Condition<Deployment, ModelServer> {

  @Override
  public boolean isMet(
      DependentResource<Deployment, ModelServer> dependentResource,
      ModelServer server,
      Context<ModelServer> context) {
    return !context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(GpuFit.class, GpuFit.class)
        .blocks();
  }
}
