package dev.llmfleet.finetune;

import dev.llmfleet.api.v1alpha1.FineTuneJob;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** A claim is created only for output.storage.size; output.storage.existingClaim is used as is. */
public class OutputClaimRequested implements Condition<PersistentVolumeClaim, FineTuneJob> {

  @Override
  public boolean isMet(
      DependentResource<PersistentVolumeClaim, FineTuneJob> dependentResource,
      FineTuneJob job,
      Context<FineTuneJob> context) {
    return job.getSpec().getOutput().getStorage().getSize() != null;
  }
}
