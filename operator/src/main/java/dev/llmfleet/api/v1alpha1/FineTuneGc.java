package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FineTuneGc {

  @JsonPropertyDescription(
      "Seconds after a run failed before its Job and pods are deleted (keepFailedRuns aside).")
  @Default("3600")
  @Min(0)
  private Integer ttlSecondsAfterFailure;

  @JsonPropertyDescription("Newest failed runs kept for inspection however old, 0 to 100.")
  @Default("1")
  @Min(0)
  @Max(100)
  private Integer keepFailedRuns;

  @JsonPropertyDescription("Remove a collected run's partial output (<subPath>/.runs/<attempt>/).")
  @Default("true")
  private Boolean deletePartialOutput;
}
