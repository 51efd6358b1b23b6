package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
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
    value = "has(self.downloadRef) != has(self.uri)",
    message = "exactly one of model.downloadRef or model.uri must be set")
@ValidationRule(
    value = "!has(self.file) || has(self.downloadRef)",
    message =
        "model.file names a file inside model.downloadRef and can only be set together with it")
public class ModelSource {

  @JsonPropertyDescription(
      "A Download in the same namespace; the server starts once it is Succeeded and mounts its "
          + "volume read-only at /models.")
  private LocalRef downloadRef;

  @JsonPropertyDescription(
      "A model the runtime pulls itself: hf://<org>/<repo>, ollama://<name>:<tag> or an https:// URL.")
  @Pattern(
      "^(hf://[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*|ollama://[A-Za-z0-9][A-Za-z0-9._/:-]*|https?://[^\\s]+)$")
  @Size(max = 2048)
  private String uri;

  @JsonPropertyDescription(
      "A file inside the Download to serve, for example model-q4_k_m.gguf (llama.cpp, Ollama). "
          + "Unset: the Download's folder.")
  @Pattern("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
  @Size(max = 512)
  private String file;
}
