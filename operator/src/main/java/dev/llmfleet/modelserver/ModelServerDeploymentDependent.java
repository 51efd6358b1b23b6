package dev.llmfleet.modelserver;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.common.names.ModelServerNames;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The server's Deployment, as the reconciler built it for this pass from the inputs it resolved
 * ({@link ModelServerReconciler#DESIRED_DEPLOYMENT}).
 */
public class ModelServerDeploymentDependent
    extends CRUDKubernetesDependentResource<Deployment, ModelServer> {

  @Override
  protected Deployment desired(ModelServer server, Context<ModelServer> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(ModelServerReconciler.DESIRED_DEPLOYMENT, Deployment.class);
  }

  /** By name: JOSDK looks the Deployment up to delete it too, when no desired one was built. */
  @Override
  protected ResourceID targetSecondaryResourceID(ModelServer server, Context<ModelServer> context) {
    return new ResourceID(ModelServerNames.deployment(server), server.getMetadata().getNamespace());
  }
}
