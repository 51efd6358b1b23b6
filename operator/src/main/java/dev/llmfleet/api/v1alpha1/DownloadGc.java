package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
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
public class DownloadGc {

  @JsonPropertyDescription(
      "Seconds after a run failed before its Job and pods are deleted; the run stays listed in status.runs.")
  @Default("86400")
  @Min(0)
  private Integer ttlSecondsAfterFailure;

  @JsonPropertyDescription(
      "When the Download ends Failed, remove its folder with the partial files from the volume, "
          + "through a short cleanup Job <name>-cleanup.")
  @Default("true")
  private Boolean deletePartialData;
}
