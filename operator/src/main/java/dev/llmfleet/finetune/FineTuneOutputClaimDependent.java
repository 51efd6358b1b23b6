package dev.llmfleet.finetune;

import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.common.Labels;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;

/**
 * The output claim of a FineTuneJob with output.storage.size. Created only: neither owned
 * (Kubernetes would delete it with the FineTuneJob) nor deleted by the operator, because the
 * trained result must outlive the FineTuneJob. JOSDK then maps it back to the FineTuneJob through
 * its annotations.
 */
@KubernetesDependent(
    informer = @Informer(labelSelector = Labels.COMPONENT + "=" + FineTuneResources.COMPONENT))
public class FineTuneOutputClaimDependent
    extends KubernetesDependentResource<PersistentVolumeClaim, FineTuneJob>
    implements Creator<PersistentVolumeClaim, FineTuneJob> {

  @Override
  protected PersistentVolumeClaim desired(FineTuneJob job, Context<FineTuneJob> context) {
    return FineTuneResources.claim(job);
  }
}
