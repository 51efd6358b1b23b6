package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * Written by the downloader under its own field manager, at most every ~2 seconds and at the end.
 */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DownloadProgress {

  @JsonPropertyDescription("Bytes on disk so far, including those of earlier runs.")
  private Long bytesDone;

  @JsonPropertyDescription("Bytes of all selected files.")
  private Long bytesTotal;

  @JsonPropertyDescription("bytesDone as a whole percentage of bytesTotal, 0 to 100.")
  private Integer percent;

  @JsonPropertyDescription("Files complete and verified.")
  private Integer filesDone;

  @JsonPropertyDescription("Files selected.")
  private Integer filesTotal;

  @JsonPropertyDescription("Current transfer rate.")
  private Long bytesPerSecond;

  @JsonPropertyDescription("Estimated seconds until all bytes are fetched at the current rate.")
  private Long etaSeconds;

  @JsonPropertyDescription("A file being fetched now.")
  private String currentFile;

  @JsonPropertyDescription(
      "When the downloader last reported (RFC 3339); the operator restarts runs whose report is "
          + "older than spec.stallTimeoutSeconds.")
  private String updatedAt;

  @JsonPropertyDescription(
      "When the run last made progress at or above the downloader's minimum rate (1 KiB/s of bytes "
          + "fetched or hashed, or a file verified), RFC 3339. The operator restarts runs whose progressedAt (else "
          + "updatedAt) is older than spec.stallTimeoutSeconds, so a server that trickles counts as stalled.")
  private String progressedAt;

  @JsonPropertyDescription(
      "What the run does now: Downloading, or Verifying while it hashes again bytes already on "
          + "disk (a part to resume, or a file the manifest does not vouch for) before fetching more.")
  private String step;

  @JsonPropertyDescription("Bytes already on disk hashed again by this run (the Verifying step).")
  private Long bytesHashed;

  @JsonPropertyDescription("True once every file is complete and its SHA-256 checked.")
  private Boolean verified;

  @JsonPropertyDescription("The run (Job name) that wrote this report.")
  private String run;

  @JsonPropertyDescription(
      "Why the run gave up, when it did: a person must act on ChecksumMismatch and "
          + "InsufficientStorage; TransferFailed is retried by a new run.")
  private DownloadFailure failure;
}
