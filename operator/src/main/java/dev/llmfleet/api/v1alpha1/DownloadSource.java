package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
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
    value = "has(self.huggingFace) != has(self.http)",
    message = "exactly one of source.huggingFace or source.http must be set")
public class DownloadSource {

  @JsonPropertyDescription("A repository on the Hugging Face Hub (or a mirror of its API).")
  private HuggingFaceSource huggingFace;

  @JsonPropertyDescription("A single file at an http:// or https:// URL.")
  private HttpSource http;
}
