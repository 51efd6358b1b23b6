package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.llmfleet.api.v1alpha1.common.Names;
import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.resources.gpus >= 1",
    message = "resources.gpus must be at least 1: fine-tuning runs on GPUs")
public class FineTuneJobSpec {

  @JsonPropertyDescription("The model to fine-tune.")
  @Required
  private BaseModel baseModel;

  @JsonPropertyDescription("The training data.")
  @Required
  private Dataset dataset;

  @JsonPropertyDescription("lora, qlora (LoRA on a 4-bit quantized base) or full (all weights).")
  @Default("lora")
  private FineTuneMethod method;

  @JsonPropertyDescription("Training settings; each has a default.")
  @Default("{}")
  private Hyperparameters hyperparameters;

  @JsonPropertyDescription("GPUs (at least 1), GPU model, CPU and memory of the training pod.")
  @Default("{}")
  private Resources resources;

  @JsonPropertyDescription("Trainer image overriding the default (axolotl).")
  @Size(max = 512)
  @ValidationRule(
      value = Names.NO_WHITESPACE,
      message =
          "image must be an image reference without whitespace, such as "
              + "axolotlai/axolotl:main-latest")
  private String image;

  @JsonPropertyDescription("Where the trained model or adapter is written.")
  @Required
  private FineTuneOutput output;

  @JsonPropertyDescription("Failed runs retried before the FineTuneJob is Failed, 0 to 10.")
  @Default("2")
  @Min(0)
  @Max(10)
  private Integer backoffLimit;

  @JsonPropertyDescription(
      "Longest a single run may take, in seconds; it is then stopped and counted as failed.")
  @Min(1)
  private Long activeDeadlineSeconds;

  @JsonPropertyDescription("Garbage collection of failed runs.")
  @Default("{}")
  private FineTuneGc gc;

  @JsonPropertyDescription(
      "Environment variables with secret values (for example WANDB_API_KEY); each is exactly one "
          + "of vault or secretKeyRef.")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(s, self.exists_one(t, t.name == s.name))",
      message = "secrets[].name must be unique")
  private List<SecretEnv> secrets;

  @JsonPropertyDescription("Labels and annotations for the training pods.")
  private PodMetadata podMetadata;
}
