package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.Run;
import java.util.List;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FineTuneJobStatus {

  @JsonPropertyDescription("Pending, WaitingForInputs, Running, Succeeded or Failed.")
  private FineTuneJobPhase phase;

  @JsonPropertyDescription("Runs started so far.")
  private Integer attempts;

  @JsonPropertyDescription(
      "Every run, oldest first; collected runs had their Job, pods and partial output removed.")
  private List<Run> runs;

  @JsonPropertyDescription("Where the result of the successful run is.")
  private OutputLocation output;

  @JsonPropertyDescription("When the first run started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When the FineTuneJob succeeded or failed for good (RFC 3339).")
  private String completedAt;

  @JsonPropertyDescription(
      "kstatus conditions: Ready, Reconciling, Stalled, InputsReady, Complete, Failed.")
  private List<Condition> conditions;

  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;
}
