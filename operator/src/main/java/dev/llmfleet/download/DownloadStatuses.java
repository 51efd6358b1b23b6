package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.common.Conditions;
import java.time.Instant;

/** Pure status computation for a Download: the operator-owned part of its status. */
public final class DownloadStatuses {

  private DownloadStatuses() {
  }

  /** The operator-owned part of a stored status: everything but the downloader's progress. */
  public static DownloadStatus operatorOwned(DownloadStatus stored) {
    return stored == null ? null : stored.toBuilder().progress(null).build();
  }

  // Until downloads run, a Download stays Pending and says so through Reconciling.
  public static DownloadStatus compute(Download download, Instant now) {
    DownloadStatus current = operatorOwned(download.getStatus());
    long generation = download.getMetadata().getGeneration();
    var conditions = current == null ? null : current.getConditions();
    conditions = Conditions.set(conditions, Conditions.RECONCILING, true, "Pending",
        "the download has not started yet", generation, now);
    conditions = Conditions.set(conditions, Conditions.READY, false, "Pending",
        "the files are not downloaded yet", generation, now);
    conditions = Conditions.set(conditions, Conditions.STALLED, false, "Pending", "", generation, now);
    return (current == null ? DownloadStatus.builder() : current.toBuilder())
        .phase(DownloadPhase.Pending)
        .source(describe(download.getSpec().getSource()))
        .conditions(conditions)
        .observedGeneration(generation)
        .build();
  }

  /** What kubectl get shows in the SOURCE column: repo@revision or the URL. */
  static String describe(DownloadSource source) {
    if (source.getHuggingFace() != null) {
      return source.getHuggingFace().getRepo() + "@" + source.getHuggingFace().getRevision();
    }
    return source.getHttp().getUrl();
  }
}
