package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum FineTuneMethod {
  @JsonProperty("lora")
  LORA,
  @JsonProperty("qlora")
  QLORA,
  @JsonProperty("full")
  FULL
}
