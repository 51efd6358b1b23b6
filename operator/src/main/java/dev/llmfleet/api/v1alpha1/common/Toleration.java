package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
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
@ValidationRule(value = "!has(self.operator) || self.operator != 'Exists' || !has(self.value)",
    message = "tolerations[].value must be empty when operator is Exists")
public class Toleration {

  @JsonPropertyDescription("Taint key to tolerate; empty with operator Exists tolerates every taint.")
  private String key;

  @JsonPropertyDescription("Equal (the default: key and value must match) or Exists (any value).")
  private TolerationOperator operator;

  @JsonPropertyDescription("Taint value to match with operator Equal.")
  private String value;

  @JsonPropertyDescription("Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute. Empty: all effects.")
  private TaintEffect effect;

  @JsonPropertyDescription("With effect NoExecute, how long the pod stays bound after the taint appears.")
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
