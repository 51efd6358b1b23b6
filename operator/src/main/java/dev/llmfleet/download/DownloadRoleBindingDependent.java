package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.common.Labels;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGER))
public class DownloadRoleBindingDependent
    extends CRUDKubernetesDependentResource<RoleBinding, Download> {

  @Override
  protected RoleBinding desired(Download download, Context<Download> context) {
    return DownloadResources.roleBinding(download);
  }
}
