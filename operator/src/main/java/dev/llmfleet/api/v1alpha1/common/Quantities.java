package dev.llmfleet.api.v1alpha1.common;

/** CEL expressions shared by quantity fields, which are int-or-string like Kubernetes' own. */
public final class Quantities {

  /** A bare integer is a valid quantity; a string must parse as one. */
  public static final String IS_QUANTITY = "type(self) == int ? self >= 0 : isQuantity(self)";

  /** Greater than zero; a string that is no quantity is left to {@link #IS_QUANTITY}'s message. */
  public static final String IS_POSITIVE =
      "type(self) == int ? self > 0 : !isQuantity(self) || "
          + "quantity(self).isGreaterThan(quantity('0'))";

  private Quantities() {}
}
