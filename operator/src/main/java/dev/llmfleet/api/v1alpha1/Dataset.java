package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Dataset {

  @JsonPropertyDescription(
      "A Download in the same namespace holding the training data; training waits until it is Succeeded.")
  @Required
  private LocalRef downloadRef;

  @JsonPropertyDescription(
      "File inside the Download to train on, for example train.jsonl. Unset: the Download's folder.")
  @Pattern("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
  @Size(max = 512)
  private String file;

  @JsonPropertyDescription("Record layout: alpaca, sharegpt, completion or chat_template.")
  @Default("alpaca")
  private DatasetFormat format;
}
