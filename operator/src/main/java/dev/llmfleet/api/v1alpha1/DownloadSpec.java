package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.llmfleet.api.v1alpha1.common.Names;
import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.api.v1alpha1.common.Toleration;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.storage.accessMode) || self.storage.accessMode != 'ReadOnlyMany'",
    message =
        "storage.accessMode ReadOnlyMany cannot be used here: the downloader writes into the claim; use "
            + "ReadWriteOnce or ReadWriteMany")
public class DownloadSpec {

  @JsonPropertyDescription(
      "What to fetch: exactly one of huggingFace or http. Immutable: create a new Download to fetch something else.")
  @Required
  @ValidationRule(
      value = "self == oldSelf",
      message = "spec.source is immutable: create a new Download to fetch something else")
  private DownloadSource source;

  @JsonPropertyDescription(
      "Where the files are written: exactly one of existingClaim or size. Immutable: create a new "
          + "Download to use other storage.")
  @Required
  @ValidationRule(
      value = "self == oldSelf",
      message = "spec.storage is immutable: create a new Download to use other storage")
  private Storage storage;

  @JsonPropertyDescription(
      "Environment variables with secret values for the downloader, for example HF_TOKEN for gated "
          + "Hugging Face repositories. Each is exactly one of vault or secretKeyRef.")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(s, self.exists_one(t, t.name == s.name))",
      message = "secrets[].name must be unique")
  private List<SecretEnv> secrets;

  @JsonPropertyDescription(
      "Proxies of the download pods (HTTPS_PROXY, HTTP_PROXY, NO_PROXY); each field set replaces "
          + "the operator's default (LLMFLEET_DOWNLOAD_HTTPS_PROXY, ...). A proxy with credentials goes through spec.secrets "
          + "(name HTTPS_PROXY), which wins over both. May be changed: applies from the next run.")
  private DownloadProxy proxy;

  @JsonPropertyDescription(
      "CA certificates (PEM) trusted besides the public ones, for an origin or mirror signed by a "
          + "private CA; replaces the operator's default (LLMFLEET_DOWNLOAD_CA_CONFIGMAP). Without it such an origin fails "
          + "the run with reason TlsUntrusted. May be changed: applies from the next run.")
  private CaBundle caBundle;

  @JsonPropertyDescription(
      "Failed runs tolerated before the Download is Failed, 0 to 20. Runs are retried with "
          + "exponential backoff from 10 seconds up to 5 minutes.")
  @Default("6")
  @Min(0)
  @Max(20)
  private Integer backoffLimit;

  @JsonPropertyDescription(
      "A run that reports no new bytes for this many seconds (30 to 86400) is stopped and "
          + "counted as failed with reason StallTimeout, then retried from where it stopped.")
  @Default("300")
  @Min(30)
  @Max(86400)
  private Integer stallTimeoutSeconds;

  @JsonPropertyDescription("Garbage collection of failed runs.")
  @Default("{}")
  private DownloadGc gc;

  @JsonPropertyDescription("Labels and annotations for the download pods.")
  private PodMetadata podMetadata;

  @JsonPropertyDescription(
      "Node labels a download pod's node must have, for example {\"llmfleet.dev/node\": \"cpu\"} "
          + "to keep downloads off GPU nodes. Also used by the cleanup pod that removes partial data (spec.gc), which must "
          + "run where the data is. May be changed: applies from the next run.")
  @Size(max = 64)
  @ValidationRule(
      value = Names.LABEL_KEYS,
      message =
          "nodeSelector keys must be label keys: [prefix/]name, name at "
              + "most 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit, prefix a DNS subdomain, "
              + "such as llmfleet.dev/node")
  @ValidationRule(
      value = Names.LABEL_VALUES,
      message =
          "nodeSelector values must be label values: empty, or at most "
              + "63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription(
      "Tolerations of the download pods and of the cleanup pod, for nodes with taints that "
          + "nodeSelector picks. May be changed: applies from the next run.")
  @Size(max = 64)
  private List<Toleration> tolerations;
}
