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
public class DownloadStatus {

  @JsonPropertyDescription("Pending, Downloading, Verifying, Succeeded or Failed.")
  private DownloadPhase phase;

  @JsonPropertyDescription(
      "What is fetched, for kubectl get: the Hugging Face repo@revision or the URL.")
  private String source;

  @JsonPropertyDescription("Live progress, written by the downloader.")
  private DownloadProgress progress;

  @JsonPropertyDescription(
      "What the files hold, read from their own headers once every file is verified; "
          + "absent for anything that is not a model. Written by the downloader.")
  private DownloadModel model;

  @JsonPropertyDescription("PersistentVolumeClaim that holds the files.")
  private String claimName;

  @JsonPropertyDescription("Folder inside the claim that holds the files.")
  private String path;

  @JsonPropertyDescription("Runs started so far.")
  private Integer attempts;

  @JsonPropertyDescription("Every run, oldest first, with how it ended.")
  private List<Run> runs;

  @JsonPropertyDescription("When the first run started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When the Download succeeded (RFC 3339).")
  private String completedAt;

  @JsonPropertyDescription("kstatus conditions: Ready, Reconciling, Stalled.")
  private List<Condition> conditions;

  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;
}
