package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Labels and annotations copied onto every pod the operator creates for a resource. */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodMetadata {

  @JsonPropertyDescription("Labels added to every pod; the operator's own app.kubernetes.io labels win on conflict.")
  private Map<String, String> labels;

  @JsonPropertyDescription("Annotations added to every pod.")
  private Map<String, String> annotations;
}
