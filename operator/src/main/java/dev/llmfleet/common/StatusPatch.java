package dev.llmfleet.common;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.Objects;
import java.util.function.Supplier;

/** Status is written only when it changed, and only with the fields the operator owns. */
public final class StatusPatch {

  private StatusPatch() {
  }

  /**
   * A server-side-apply patch of {@code desired} when it differs from {@code current}, else no update.
   * The patch goes on a fresh object holding only name, namespace and status, so that the operator's field
   * manager owns exactly the fields it computes and leaves others (the downloader's progress) alone.
   */
  public static <S, P extends CustomResource<?, S>> UpdateControl<P> ifChanged(
      P resource, S current, S desired, Supplier<P> newResource) {
    if (Objects.equals(current, desired)) {
      return UpdateControl.noUpdate();
    }
    P patch = newResource.get();
    patch.setMetadata(new ObjectMetaBuilder()
        .withName(resource.getMetadata().getName())
        .withNamespace(resource.getMetadata().getNamespace())
        .build());
    patch.setStatus(desired);
    return UpdateControl.patchStatus(patch);
  }
}
