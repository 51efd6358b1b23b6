package dev.llmfleet.common;

import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/** Container environment for spec.secrets: always through secretKeyRef, so no value is ever in a pod spec. */
public final class SecretEnvVars {

  private SecretEnvVars() {
  }

  /** The Secret that Vault values of a resource are synced into, one key per variable name. */
  public static String vaultSecretName(HasMetadata owner) {
    return owner.getMetadata().getName() + "-vault";
  }

  public static List<EnvVar> of(HasMetadata owner, List<SecretEnv> secrets) {
    if (secrets == null) {
      return List.of();
    }
    return secrets.stream().map(secret -> {
      String secretName = secret.getSecretKeyRef() != null ? secret.getSecretKeyRef().getName() : vaultSecretName(owner);
      String key = secret.getSecretKeyRef() != null ? secret.getSecretKeyRef().getKey() : secret.getName();
      return new EnvVarBuilder().withName(secret.getName())
          .withNewValueFrom().withNewSecretKeyRef(key, secretName, false).endValueFrom()
          .build();
    }).toList();
  }
}
