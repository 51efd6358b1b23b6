package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
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

  @JsonPropertyDescription(
      "Labels added to every pod; the operator's own app.kubernetes.io labels win on conflict.")
  @Size(max = 64)
  @ValidationRule(
      value = Names.LABEL_KEYS,
      message =
          "podMetadata.labels keys must be label keys: [prefix/]name, "
              + "name at most 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit, prefix a DNS "
              + "subdomain, such as team or example.com/team")
  @ValidationRule(
      value = Names.LABEL_VALUES,
      message =
          "podMetadata.labels values must be label values: empty, or "
              + "at most 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit")
  private Map<String, String> labels;

  @JsonPropertyDescription("Annotations added to every pod.")
  @Size(max = 64)
  @ValidationRule(
      value = Names.LABEL_KEYS,
      message =
          "podMetadata.annotations keys must be like label keys: "
              + "[prefix/]name, name at most 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit, "
              + "prefix a DNS subdomain, such as example.com/owner")
  private Map<String, String> annotations;
}
