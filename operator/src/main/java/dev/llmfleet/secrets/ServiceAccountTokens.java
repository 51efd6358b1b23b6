package dev.llmfleet.secrets;

import dev.llmfleet.secrets.SecretsFailure.VaultPermissionDenied;
import dev.llmfleet.secrets.SecretsFailure.VaultUnavailable;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Short-lived tokens of a namespace's ServiceAccount, which the operator presents at Vault's
 * Kubernetes auth.
 */
@FunctionalInterface
public interface ServiceAccountTokens {

  /** The shortest lifetime the API server grants; the token is used once, for one login. */
  long EXPIRATION_SECONDS = 600;

  String request(String namespace, String serviceAccount, String audience) throws SecretsFailure;

  /** TokenRequest API (create on serviceaccounts/token). */
  static ServiceAccountTokens of(KubernetesClient client) {
    return (namespace, serviceAccount, audience) -> {
      TokenRequest request =
          new TokenRequestBuilder()
              .withNewSpec()
              .withAudiences(audience)
              .withExpirationSeconds(EXPIRATION_SECONDS)
              .endSpec()
              .build();
      String what =
          "a token of ServiceAccount "
              + serviceAccount
              + " in namespace "
              + namespace
              + " (audience "
              + audience
              + ")";
      try {
        return client
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(serviceAccount)
            .tokenRequest(request)
            .getStatus()
            .getToken();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          throw new VaultPermissionDenied(
              "cannot get "
                  + what
                  + ": it does not exist; create it, and a Vault"
                  + " Kubernetes-auth role for it (see the README, Vault)");
        }
        if (e.getCode() == 403) {
          throw new VaultPermissionDenied(
              "cannot get "
                  + what
                  + ": the operator may not create"
                  + " serviceaccounts/token there (HTTP 403)");
        }
        throw new VaultUnavailable(
            "cannot get " + what + ": HTTP " + e.getCode() + " from the API server");
      }
    };
  }
}
