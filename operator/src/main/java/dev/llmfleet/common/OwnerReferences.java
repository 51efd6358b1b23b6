package dev.llmfleet.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Owner references that let Kubernetes garbage collection delete what a resource created. */
public final class OwnerReferences {

  private OwnerReferences() {}

  public static OwnerReference controlledBy(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * An owner besides the controller, one that only uses the object: it keeps the object from
   * garbage collection while it exists, and neither controls it nor holds up its own deletion.
   */
  public static OwnerReference usedBy(HasMetadata user) {
    return new OwnerReferenceBuilder()
        .withApiVersion(user.getApiVersion())
        .withKind(user.getKind())
        .withName(user.getMetadata().getName())
        .withUid(user.getMetadata().getUid())
        .withController(false)
        .withBlockOwnerDeletion(false)
        .build();
  }
}
