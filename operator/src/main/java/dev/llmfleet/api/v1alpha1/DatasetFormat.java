package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Layout of the training records, as the trainer (axolotl) names them. */
public enum DatasetFormat {
  @JsonProperty("alpaca")
  ALPACA,
  @JsonProperty("sharegpt")
  SHAREGPT,
  @JsonProperty("completion")
  COMPLETION,
  @JsonProperty("chat_template")
  CHAT_TEMPLATE
}
