package dev.llmfleet.common;

import dev.llmfleet.api.v1alpha1.common.Storage;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;

/**
 * The claim the operator creates for a spec.storage with a size (Downloads' data, FineTuneJobs'
 * output).
 */
public final class Claims {

  private Claims() {}

  public static PersistentVolumeClaimSpec spec(Storage storage) {
    return new PersistentVolumeClaimSpecBuilder()
        .withAccessModes(storage.getAccessMode().value())
        .withStorageClassName(storage.getStorageClassName())
        .withNewResources()
        .addToRequests("storage", storage.getSize())
        .endResources()
        .build();
  }
}
