package dev.llmfleet.e2e.reconcile;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.Statuses;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Optional;

/**
 * The inputs of a reconcile-level test, written straight to the API server in place of the
 * controllers that do not run: a Download's status as the Download reconciler would write it, the
 * user's Secrets and claims; and what the tests read back.
 */
final class Scripted {

  /** The field manager of the statuses written here; no controller of the operator uses it. */
  static final String FIELD_MANAGER = "llmfleet-reconcile-test";

  private final TestNamespace namespace;

  Scripted(TestNamespace namespace) {
    this.namespace = namespace;
  }

  /**
   * A Download of {@code <name>.gguf}, created through the API server (schema defaults apply); with
   * no Download reconciler running, it has no status until {@link #downloadStatus} writes one.
   */
  Download download(String name) {
    return namespace
        .client()
        .resource(SmallDownload.of(namespace.name(), name, name + ".gguf"))
        .create();
  }

  /** Applies {@code status} to the Download's status subresource, as its reconciler would. */
  void downloadStatus(String name, DownloadStatus status) {
    Download patch = new Download();
    patch.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(namespace.name()).build());
    patch.setStatus(status);
    namespace
        .client()
        .resource(patch)
        .subresource("status")
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager(FIELD_MANAGER)
                .withForce(true)
                .build());
  }

  /** The Download is Succeeded, its files in folder {@code path} of claim {@code claim}. */
  void succeeded(String download, String claim, String path) {
    succeeded(download, claim, path, null);
  }

  /** As {@link #succeeded(String, String, String)}, with what the files hold. */
  void succeeded(String download, String claim, String path, DownloadModel model) {
    downloadStatus(
        download,
        DownloadStatus.builder()
            .phase(DownloadPhase.Succeeded)
            .claimName(claim)
            .path(path)
            .model(model)
            .build());
  }

  void deleteDownload(String name) {
    namespace
        .client()
        .resources(Download.class)
        .inNamespace(namespace.name())
        .withName(name)
        .delete();
  }

  /** A 1Gi claim of the default StorageClass, which binds to one of the cluster's volumes. */
  void claim(String name) {
    namespace
        .client()
        .persistentVolumeClaims()
        .inNamespace(namespace.name())
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .create();
  }

  /** A Secret of the user's, as a secretKeyRef of spec.secrets names it. */
  void secret(String name, String key, String value) {
    namespace
        .client()
        .secrets()
        .inNamespace(namespace.name())
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToStringData(key, value)
                .build())
        .create();
  }

  /** The reasons of the events about the object of this type and name, oldest first. */
  List<String> eventReasons(Class<? extends HasMetadata> type, String name) {
    return namespace.events(type, name).stream().map(Event::getReason).toList();
  }

  /** Whether the resource has a condition of this type with this status. */
  static boolean has(HasMetadata resource, String type, String status) {
    Condition condition = Statuses.conditionOrNull(resource, type);
    return condition != null && status.equals(condition.getStatus());
  }

  /** The owner reference of {@code object} that names its controller. */
  static Optional<OwnerReference> controller(HasMetadata object) {
    return object.getMetadata().getOwnerReferences().stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()))
        .findFirst();
  }
}
