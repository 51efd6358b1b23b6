package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonValue;

/** PersistentVolumeClaim access modes, spelled as Kubernetes spells them. */
public enum AccessMode {
  ReadWriteOnce,
  ReadWriteMany,
  ReadOnlyMany;

  @JsonValue
  public String value() {
    return name();
  }
}
