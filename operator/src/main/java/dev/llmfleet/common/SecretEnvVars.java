package dev.llmfleet.common;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.common.names.DownloadNames;
import dev.llmfleet.common.names.FineTuneJobNames;
import dev.llmfleet.common.names.ModelServerNames;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * Container environment for spec.secrets: always through secretKeyRef, so no value is ever in a pod
 * spec. Every entry, from Vault or from the user's own Secret, reads the Secret the operator syncs
 * for the resource (named by the kind's naming helper, key = variable name): the pod template then
 * depends on one Secret whose changes the operator controls and hashes.
 */
public final class SecretEnvVars {

  private SecretEnvVars() {}

  /**
   * The Secret that the values of a resource's spec.secrets are synced into, one key per variable
   * name.
   */
  public static String secretName(HasMetadata owner) {
    if (owner instanceof Download download) {
      return DownloadNames.secrets(download);
    }
    if (owner instanceof FineTuneJob job) {
      return FineTuneJobNames.secrets(job);
    }
    if (owner instanceof ModelServer server) {
      return ModelServerNames.secrets(server);
    }
    throw new IllegalArgumentException("no secrets for a " + owner.getKind());
  }

  public static List<EnvVar> of(HasMetadata owner, List<SecretEnv> secrets) {
    if (secrets == null) {
      return List.of();
    }
    String secretName = secretName(owner);
    return secrets.stream()
        .map(
            secret ->
                new EnvVarBuilder()
                    .withName(secret.getName())
                    .withNewValueFrom()
                    .withNewSecretKeyRef(secret.getName(), secretName, false)
                    .endValueFrom()
                    .build())
        .toList();
  }
}
