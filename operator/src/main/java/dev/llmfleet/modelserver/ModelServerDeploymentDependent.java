package dev.llmfleet.modelserver;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.modelserver.autoscaling.Autoscaler;
import dev.llmfleet.secrets.SyncResult;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * The server's Deployment; standalone (created by the reconciler) because its desired state needs
 * the config.
 */
public class ModelServerDeploymentDependent
    extends CRUDKubernetesDependentResource<Deployment, ModelServer> {

  private final OperatorConfig config;

  ModelServerDeploymentDependent(OperatorConfig config) {
    super(Deployment.class);
    this.config = config;
    configureWith(ModelServerReconciler.managedOnly(Deployment.class, config));
  }

  @Override
  protected Deployment desired(ModelServer server, Context<ModelServer> context) {
    ModelInputs inputs = ModelServerReconciler.inputs(server, context);
    Deployment deployment =
        ModelServerResources.deployment(
            server, inputs.model().orElseThrow(), inputs.adapters(), config);
    context
        .managedWorkflowAndDependentResourceContext()
        .get(SyncResult.class, SyncResult.class)
        .ifPresent(synced -> synced.annotate(deployment.getSpec().getTemplate()));
    // With spec.autoscaling the autoscaler's count replaces spec.replicas.
    context
        .managedWorkflowAndDependentResourceContext()
        .get(Autoscaler.REPLICAS, Integer.class)
        .ifPresent(replicas -> deployment.getSpec().setReplicas(replicas));
    return deployment;
  }
}
