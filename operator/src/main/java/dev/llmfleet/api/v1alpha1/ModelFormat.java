package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Weight file formats whose headers the downloader reads. */
public enum ModelFormat {
  @JsonProperty("safetensors")
  SAFETENSORS,
  @JsonProperty("gguf")
  GGUF
}
