package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Why a downloader run gave up, reported with its progress so that the operator sees it without pod logs. */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DownloadFailure {

  @JsonPropertyDescription("CamelCase reason: ChecksumMismatch, InsufficientStorage, TransferFailed, SourceNotFound "
      + "or Unauthorized.")
  private String reason;

  @JsonPropertyDescription("What happened, for a person: which file, how many bytes were needed and available, ...")
  private String message;
}
