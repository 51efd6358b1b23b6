package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * Why a downloader run gave up, reported with its progress so that the operator sees it without pod
 * logs.
 */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DownloadFailure {

  // The reasons, shared by the downloader that reports them and the operator that acts on them.
  public static final String CHECKSUM_MISMATCH = "ChecksumMismatch";
  public static final String INSUFFICIENT_STORAGE = "InsufficientStorage";
  public static final String TRANSFER_FAILED = "TransferFailed";
  public static final String SOURCE_NOT_FOUND = "SourceNotFound";
  public static final String UNAUTHORIZED = "Unauthorized";
  public static final String UNSAFE_PATH = "UnsafePath";
  public static final String TLS_UNTRUSTED = "TlsUntrusted";
  public static final String INVALID_SOURCE = "InvalidSource";

  @JsonPropertyDescription(
      "CamelCase reason: ChecksumMismatch, InsufficientStorage, TransferFailed, SourceNotFound, "
          + "Unauthorized, UnsafePath (a listed file would land outside the Download's folder, or two listed files in one "
          + "place), TlsUntrusted (the origin's TLS certificate is not signed by a trusted CA, or names another host: give "
          + "spec.caBundle) or InvalidSource (a URL or endpoint that the downloader cannot use, for example one with a "
          + "character that must be percent-encoded, or a host name with \"_\").")
  private String reason;

  @JsonPropertyDescription(
      "What happened, for a person: which file, how many bytes were needed and available, ...")
  private String message;
}
