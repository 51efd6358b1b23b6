package dev.llmfleet.common;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.Objects;
import java.util.function.Supplier;

/** Status is written only when it changed, and only with the fields the operator owns. */
public final class StatusPatch {

  private StatusPatch() {}

  /**
   * A server-side-apply patch of {@code desired} when it differs from {@code current}, else no
   * update. The patch goes on a fresh object holding only name, namespace and status, so that the
   * operator's field manager owns exactly the fields it computes and leaves others (the
   * downloader's progress) alone.
   */
  public static <S, P extends CustomResource<?, S>> UpdateControl<P> ifChanged(
      P resource, S current, S desired, Supplier<P> newResource) {
    if (Objects.equals(current, desired)) {
      return UpdateControl.noUpdate();
    }
    return UpdateControl.patchStatus(statusOnly(resource, desired, newResource));
  }

  /**
   * Like {@link #ifChanged}, but patches at once and puts the result into the controller's cache,
   * so that the next pass reads what this one wrote even before the watch delivers it. Run
   * bookkeeping needs that: a pass working from the status before this one would end the same run
   * again, maybe with another reason. The patch is optimistic: on a conflict JOSDK reads the
   * resource again and reapplies.
   */
  public static <S, P extends CustomResource<?, S>> UpdateControl<P> ifChangedReadingOwnWrites(
      P resource, S current, S desired, Supplier<P> newResource, Context<P> context) {
    if (!Objects.equals(current, desired)) {
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
          resource, statusOnly(resource, desired, newResource), context);
    }
    return UpdateControl.noUpdate();
  }

  /**
   * A fresh object holding only name, namespace and the given status: what the operator's patches
   * send.
   */
  public static <S, P extends CustomResource<?, S>> P statusOnly(
      P resource, S desired, Supplier<P> newResource) {
    P patch = newResource.get();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(resource.getMetadata().getName())
            .withNamespace(resource.getMetadata().getNamespace())
            .build());
    patch.setStatus(desired);
    return patch;
  }
}
