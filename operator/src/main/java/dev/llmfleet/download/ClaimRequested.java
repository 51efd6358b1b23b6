package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** A claim is created only for spec.storage.size; spec.storage.existingClaim is used as is. */
public class ClaimRequested implements Condition<PersistentVolumeClaim, Download> {

  @Override
  public boolean isMet(
      DependentResource<PersistentVolumeClaim, Download> dependentResource,
      Download download,
      Context<Download> context) {
    return download.getSpec().getStorage().getSize() != null;
  }
}
