package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
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
public class HuggingFaceSource {

  @JsonPropertyDescription(
      "Repository id as <organization>/<name>, for example Qwen/Qwen2.5-7B-Instruct.")
  @Required
  @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
  @Size(max = 256)
  private String repo;

  @JsonPropertyDescription(
      "Branch, tag or 40-hex commit to fetch. Pin a commit for reproducible downloads.")
  @Default("main")
  @Pattern("^[A-Za-z0-9][A-Za-z0-9._/-]*$")
  @Size(max = 255)
  private String revision;

  @JsonPropertyDescription(
      "Glob patterns of repository paths to fetch, for example \"*.safetensors\" or \"*.json\", "
          + "matched as huggingface_hub's allow_patterns do (fnmatch: \"*\" also matches \"/\"). Unset: every file.")
  @Size(max = 64)
  private List<String> include;

  @JsonPropertyDescription(
      "Glob patterns of repository paths to skip, applied after include, for example \"*.bin\" "
          + "(fnmatch, as include).")
  @Size(max = 64)
  private List<String> exclude;

  @JsonPropertyDescription(
      "Base URL of the Hub API, http:// or https://, for a mirror. Unset: the operator's "
          + "LLMFLEET_HF_ENDPOINT (default https://huggingface.co).")
  @Pattern("^https?://[^\\s]+$")
  @Size(max = 2048)
  private String endpoint;
}
