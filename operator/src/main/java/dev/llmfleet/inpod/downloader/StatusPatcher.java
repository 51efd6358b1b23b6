package dev.llmfleet.inpod.downloader;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Optional;

/**
 * Writes {@code status.progress} (and, at the end of a verified run, {@code status.model}) by
 * server-side apply under the downloader's own field manager. The patch holds nothing but those, so
 * the fields the operator owns under its manager (phase, conditions, runs, ...) are never touched,
 * and fields this manager stops sending (a current file at the end) are removed. The model goes
 * with the progress because this process is the one that read the files: one owner for what it
 * reports, and a run that starts over (no model in its reports) removes a stale one.
 */
final class StatusPatcher implements StatusSink {

  static final String FIELD_MANAGER = "llmfleet-downloader";

  private static final PatchContext APPLY =
      new PatchContext.Builder()
          .withPatchType(PatchType.SERVER_SIDE_APPLY)
          .withFieldManager(FIELD_MANAGER)
          .withForce(true)
          .build();

  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  StatusPatcher(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  @Override
  public void report(DownloadProgress progress, Optional<DownloadModel> model) {
    Download patch = new Download();
    patch.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    patch.setStatus(DownloadStatus.builder().progress(progress).model(model.orElse(null)).build());
    client.resource(patch).subresource("status").patch(APPLY);
  }
}
