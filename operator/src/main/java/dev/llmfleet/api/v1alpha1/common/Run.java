package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One attempt of a Download or FineTuneJob: a Job named {@code <name>-run-<attempt>}. */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Run {

  @JsonPropertyDescription("Name of the run's Job.")
  private String name;

  @JsonPropertyDescription("Attempt number, from 1.")
  private Integer attempt;

  @JsonPropertyDescription("Running, Succeeded or Failed.")
  private RunPhase phase;

  @JsonPropertyDescription(
      "Why the run ended, CamelCase, for example StallTimeout or BackoffLimitExceeded.")
  private String reason;

  @JsonPropertyDescription("When the run's Job was created (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When the run ended (RFC 3339).")
  private String finishedAt;

  @JsonPropertyDescription(
      "True once a failed run's Job and pods were deleted and its partial data removed, per spec.gc.")
  private Boolean collected;
}
