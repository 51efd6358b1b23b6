package dev.llmfleet.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Before the per-kind names, every kind synced its secret values into {@code <name>-secrets}, so a
 * Download, a FineTuneJob and a ModelServer of one name shared one Secret. Downloads and
 * FineTuneJobs now have their own (see the naming helpers); the old one, where this resource owns
 * it, is deleted rather than left holding stale values and the name a ModelServer uses. Looked at
 * once per resource and operator process: a GET, and never a write when there is nothing to delete.
 */
public final class LegacySecrets {

  private final Set<String> checked = ConcurrentHashMap.newKeySet();

  public void deleteOwned(HasMetadata owner, KubernetesClient client) {
    String uid = owner.getMetadata().getUid();
    if (checked.contains(uid)) {
      return;
    }
    Secret legacy =
        client
            .secrets()
            .inNamespace(owner.getMetadata().getNamespace())
            .withName(owner.getMetadata().getName() + "-secrets")
            .get();
    if (legacy != null
        && legacy.getMetadata().getOwnerReferences() != null
        && legacy.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> Objects.equals(ref.getUid(), uid))) {
      client.resource(legacy).delete();
    }
    checked.add(uid);
  }
}
