package dev.llmfleet.modelserver;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.common.names.ModelServerNames;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The Service behind status.endpoint. It is kept while the fit check refuses the server: the
 * endpoint stays the same, and without pods it costs nothing.
 */
public class ModelServerServiceDependent
    extends CRUDKubernetesDependentResource<Service, ModelServer> {

  @Override
  protected Service desired(ModelServer server, Context<ModelServer> context) {
    return ModelServerResources.service(server);
  }

  /** By name: JOSDK looks the Service up to delete it too, when no desired one was built. */
  @Override
  protected ResourceID targetSecondaryResourceID(ModelServer server, Context<ModelServer> context) {
    return new ResourceID(ModelServerNames.service(server), server.getMetadata().getNamespace());
  }
}
