package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
public class HttpSource {

  @JsonPropertyDescription(
      "URL of the file, http:// or https://, at most 2048 characters. Redirects are followed.")
  @Required
  @Pattern("^https?://[^\\s]+$")
  @Size(max = 2048)
  private String url;

  @JsonPropertyDescription(
      "Expected SHA-256 of the file, 64 lowercase hex digits. When set, the file is verified "
          + "before it is renamed into place; a mismatch stalls the Download with reason ChecksumMismatch.")
  @Pattern("^[0-9a-f]{64}$")
  private String sha256;
}
