package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.common.Labels;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGER))
public class DownloadRoleDependent extends CRUDKubernetesDependentResource<Role, Download> {

  @Override
  protected Role desired(Download download, Context<Download> context) {
    return DownloadResources.role(download);
  }
}
