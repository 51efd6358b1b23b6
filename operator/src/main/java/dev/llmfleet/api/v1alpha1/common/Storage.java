package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * Where bytes live: an existing claim, or a claim of the given size that the operator creates and
 * owns.
 */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.existingClaim) != has(self.size)",
    message = "exactly one of storage.existingClaim or storage.size must be set")
@ValidationRule(
    value = "!has(self.storageClassName) || has(self.size)",
    message =
        "storage.storageClassName can only be set together with storage.size (an existing claim already has its class)")
public class Storage {

  @JsonPropertyDescription(
      "Name of an existing PersistentVolumeClaim in the same namespace. It is used as is and never deleted.")
  @Pattern(Names.DNS_SUBDOMAIN)
  @Size(max = 253)
  private String existingClaim;

  @JsonPropertyDescription(
      "Size of a new PersistentVolumeClaim <name>-data that the operator creates and that is deleted "
          + "with the resource, a Kubernetes quantity such as \"40Gi\".")
  @ValidationRule(
      value = Quantities.IS_QUANTITY,
      message = "storage.size must be a Kubernetes quantity such as \"40Gi\"")
  @ValidationRule(
      value = Quantities.IS_POSITIVE,
      message = "storage.size must be greater than 0, such as \"40Gi\"")
  private Quantity size;

  @JsonPropertyDescription(
      "StorageClass of the new claim; only together with size. Unset: the cluster's default class.")
  @Pattern(Names.DNS_SUBDOMAIN)
  @Size(max = 253)
  private String storageClassName;

  @JsonPropertyDescription(
      "Access mode of the new claim: ReadWriteOnce, ReadWriteMany or ReadOnlyMany.")
  @Default("ReadWriteOnce")
  private AccessMode accessMode;

  @JsonPropertyDescription(
      "Folder inside the volume that holds the files, a relative path without \"..\". "
          + "Unset: the resource's metadata.name.")
  @Pattern("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
  @Size(max = 512)
  @ValidationRule(
      value = "!self.matches('(^|/)[.][.]?(/|$)')",
      message =
          "storage.subPath must be a relative path inside the volume, without \".\" or \"..\" segments")
  private String subPath;
}
