package dev.llmfleet.common;

import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * Container environment for spec.secrets: always through secretKeyRef, so no value is ever in a pod spec. Every
 * entry, from Vault or from the user's own Secret, reads the Secret the operator syncs for the resource
 * ({@code <name>-secrets}, key = variable name): the pod template then depends on one Secret whose changes the
 * operator controls and hashes.
 */
public final class SecretEnvVars {

  private SecretEnvVars() {
  }

  /** The Secret that the values of a resource's spec.secrets are synced into, one key per variable name. */
  public static String secretName(HasMetadata owner) {
    return owner.getMetadata().getName() + "-secrets";
  }

  public static List<EnvVar> of(HasMetadata owner, List<SecretEnv> secrets) {
    if (secrets == null) {
      return List.of();
    }
    String secretName = secretName(owner);
    return secrets.stream().map(secret -> new EnvVarBuilder().withName(secret.getName())
        .withNewValueFrom().withNewSecretKeyRef(secret.getName(), secretName, false).endValueFrom()
        .build()).toList();
  }
}
