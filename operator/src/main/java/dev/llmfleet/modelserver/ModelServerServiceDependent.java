package dev.llmfleet.modelserver;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** The Service behind status.endpoint. */
public class ModelServerServiceDependent
    extends CRUDKubernetesDependentResource<Service, ModelServer> {

  ModelServerServiceDependent(OperatorConfig config) {
    super(Service.class);
    configureWith(ModelServerReconciler.managedOnly(Service.class, config));
  }

  @Override
  protected Service desired(ModelServer server, Context<ModelServer> context) {
    return ModelServerResources.service(server);
  }
}
