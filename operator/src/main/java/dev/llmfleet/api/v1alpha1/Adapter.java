package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** A LoRA adapter produced by a FineTuneJob, served beside the base model (vLLM only). */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Adapter {

  @JsonPropertyDescription("Model name clients use to select the adapter in OpenAI API requests.")
  @Required
  @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]*$")
  @Size(max = 128)
  private String name;

  @JsonPropertyDescription(
      "A Succeeded FineTuneJob in the same namespace whose output is the adapter.")
  @Required
  private LocalRef fineTuneJobRef;
}
