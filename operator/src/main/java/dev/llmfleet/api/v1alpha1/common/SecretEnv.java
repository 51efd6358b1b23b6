package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * An environment variable whose value is secret. Values never appear in specs, logs or status:
 * Vault values are synced into a Secret owned by the resource, and containers read them through
 * secretKeyRef.
 */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.vault) != has(self.secretKeyRef)",
    message = "exactly one of secrets[].vault or secrets[].secretKeyRef must be set")
public class SecretEnv {

  @JsonPropertyDescription("Name of the environment variable, for example HF_TOKEN.")
  @Required
  @Pattern(Names.ENV_VAR)
  @Size(max = 256)
  private String name;

  @JsonPropertyDescription(
      "Read the value from HashiCorp Vault (KV version 2); needs LLMFLEET_VAULT_ADDR on the operator.")
  private VaultSecretRef vault;

  @JsonPropertyDescription("Read the value from a Kubernetes Secret in the same namespace.")
  private SecretKeyRef secretKeyRef;
}
