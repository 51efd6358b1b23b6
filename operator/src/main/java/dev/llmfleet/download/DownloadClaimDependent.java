package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.common.Labels;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The claim of a Download with spec.storage.size. Only claims the operator labelled are watched, so
 * an existing claim of the same name is never taken for ours (nor deleted). The ModelServers that
 * read it are its co-owners.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGER))
public class DownloadClaimDependent
    extends CRUDKubernetesDependentResource<PersistentVolumeClaim, Download> {

  @Override
  protected PersistentVolumeClaim desired(Download download, Context<Download> context) {
    @SuppressWarnings("unchecked")
    var servers =
        (InformerEventSource<ModelServer, Download>)
            context
                .eventSourceRetriever()
                .getEventSourceFor(ModelServer.class, DownloadReconciler.MODEL_SERVERS);
    return DownloadResources.claim(
        download,
        servers
            .list(
                download.getMetadata().getNamespace(),
                server ->
                    server.getSpec().getModel().getDownloadRef() != null
                        && server
                            .getSpec()
                            .getModel()
                            .getDownloadRef()
                            .getName()
                            .equals(download.getMetadata().getName()))
            .toList());
  }
}
