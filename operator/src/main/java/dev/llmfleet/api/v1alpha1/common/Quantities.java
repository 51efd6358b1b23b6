package dev.llmfleet.api.v1alpha1.common;

/** CEL expressions shared by quantity fields, which are int-or-string like Kubernetes' own. */
public final class Quantities {

  /** A bare integer is a valid quantity; a string must parse as one. */
  public static final String IS_QUANTITY = "type(self) == int ? self >= 0 : isQuantity(self)";

  private Quantities() {
  }
}
