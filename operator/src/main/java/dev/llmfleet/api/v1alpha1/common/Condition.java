package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * A metav1.Condition: kstatus readers (kubectl wait, Argo CD, Flux) understand it without custom
 * code.
 */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {

  @JsonPropertyDescription("Condition type, for example Ready, Reconciling or Stalled.")
  private String type;

  @JsonPropertyDescription("True, False or Unknown.")
  private String status;

  @JsonPropertyDescription(
      "Why the condition has this status, CamelCase, for example WaitingForDownload.")
  private String reason;

  @JsonPropertyDescription("Human-readable details.")
  private String message;

  @JsonPropertyDescription(
      "When status last changed (RFC 3339); unchanged when only reason or message change.")
  private String lastTransitionTime;

  @JsonPropertyDescription("metadata.generation the condition was computed for.")
  private Long observedGeneration;
}
