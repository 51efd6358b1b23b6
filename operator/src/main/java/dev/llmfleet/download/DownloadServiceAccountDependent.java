package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.common.Labels;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The identity of download pods; with its Role and RoleBinding it may read its Download and patch
 * its status.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGER))
public class DownloadServiceAccountDependent
    extends CRUDKubernetesDependentResource<ServiceAccount, Download> {

  @Override
  protected ServiceAccount desired(Download download, Context<Download> context) {
    return DownloadResources.serviceAccount(download);
  }
}
