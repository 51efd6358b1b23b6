package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One key of a HashiCorp Vault KV version 2 secret. */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VaultSecretRef {

  @JsonPropertyDescription("Mount path of the KV version 2 secrets engine.")
  @Default("secret")
  @Pattern("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
  private String mount;

  @JsonPropertyDescription("Path of the secret inside the mount, for example llm/huggingface.")
  @Required
  @Pattern("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
  @Size(max = 512)
  private String path;

  @JsonPropertyDescription("Key inside the secret whose value becomes the environment variable.")
  @Required
  @Size(min = 1, max = 256)
  private String key;
}
