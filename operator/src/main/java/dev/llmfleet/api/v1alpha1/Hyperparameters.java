package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * Typed training settings. Ranges are CEL rules rather than minimum/maximum so that the message
 * says what the setting means, which is where users of free-form maps go wrong (a loraAlpha of
 * 0.0002, say).
 */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Hyperparameters {

  @JsonPropertyDescription("Passes over the data set, 1 to 100.")
  @Default("3")
  @ValidationRule(
      value = "self >= 1 && self <= 100",
      message = "epochs must be an integer between 1 and 100")
  private Integer epochs;

  @JsonPropertyDescription(
      "Peak learning rate, greater than 0 and at most 1 (typical LoRA: 0.0002).")
  @Default("0.0002")
  @ValidationRule(
      value = "self > 0.0 && self <= 1.0",
      message = "learningRate must be greater than 0 and at most 1, for example 0.0002")
  private Double learningRate;

  @JsonPropertyDescription("Examples per device per step, 1 to 1024.")
  @Default("4")
  @ValidationRule(
      value = "self >= 1 && self <= 1024",
      message = "batchSize must be an integer between 1 and 1024")
  private Integer batchSize;

  @JsonPropertyDescription(
      "Steps whose gradients are summed before an optimizer update, 1 to 1024.")
  @Default("1")
  @ValidationRule(
      value = "self >= 1 && self <= 1024",
      message = "gradientAccumulationSteps must be an integer between 1 and 1024")
  private Integer gradientAccumulationSteps;

  @JsonPropertyDescription("Longest tokenized example; longer ones are truncated. 16 to 131072.")
  @Default("2048")
  @ValidationRule(
      value = "self >= 16 && self <= 131072",
      message = "maxSeqLength must be an integer between 16 and 131072")
  private Integer maxSeqLength;

  @JsonPropertyDescription("Rank r of the LoRA matrices, 1 to 1024. Ignored for method full.")
  @Default("16")
  @ValidationRule(
      value = "self >= 1 && self <= 1024",
      message = "loraRank must be an integer between 1 and 1024")
  private Integer loraRank;

  @JsonPropertyDescription(
      "LoRA alpha, an integer scale factor (the update is scaled by loraAlpha/loraRank), 1 to 4096; "
          + "not a learning rate. Ignored for method full.")
  @Default("32")
  @ValidationRule(
      value = "self >= 1 && self <= 4096",
      message = "loraAlpha must be an integer between 1 and 4096")
  private Integer loraAlpha;

  @JsonPropertyDescription(
      "Dropout on the LoRA layers, at least 0 and below 1. Ignored for method full.")
  @Default("0.05")
  @ValidationRule(
      value = "self >= 0.0 && self < 1.0",
      message = "loraDropout must be at least 0 and below 1, for example 0.05")
  private Double loraDropout;

  @JsonPropertyDescription(
      "Module names the LoRA adapters attach to, for example [q_proj, v_proj]. Unset: the trainer's "
          + "default for the model. Ignored for method full.")
  @Size(max = 64)
  private List<@Pattern("^[A-Za-z0-9_.]+$") String> targetModules;
}
