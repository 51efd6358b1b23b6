package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** A pod toleration, as Kubernetes defines it. */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.operator) || self.operator != 'Exists' || !has(self.value)",
    message = "tolerations[].value must be empty when operator is Exists")
@ValidationRule(
    value =
        "(has(self.key) && self.key != '') || (has(self.operator) && self.operator == 'Exists')",
    message =
        "tolerations[].key may be empty only with operator Exists, which tolerates every taint")
@ValidationRule(
    value = "!has(self.tolerationSeconds) || (has(self.effect) && self.effect == 'NoExecute')",
    message = "tolerations[].tolerationSeconds can only be set with effect NoExecute")
public class Toleration {

  /**
   * A label key: an optional DNS subdomain prefix and a slash, then a name of at most 63
   * characters.
   */
  static final String LABEL_KEY =
      "^(([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)/)?"
          + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

  @JsonPropertyDescription(
      "Taint key to tolerate, a label key; empty with operator Exists tolerates every taint.")
  @Pattern("^$|" + LABEL_KEY)
  @Size(max = 317)
  private String key;

  @JsonPropertyDescription("Equal (the default: key and value must match) or Exists (any value).")
  private TolerationOperator operator;

  @JsonPropertyDescription("Taint value to match with operator Equal, a label value.")
  @Pattern("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
  @Size(max = 63)
  private String value;

  @JsonPropertyDescription(
      "Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute. Empty: all effects.")
  private TaintEffect effect;

  @JsonPropertyDescription(
      "With effect NoExecute, how long the pod stays bound after the taint appears.")
  @Min(0)
  private Long tolerationSeconds;

  public enum TolerationOperator {
    Equal,
    Exists
  }

  public enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute
  }
}
