package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.common.StatusPatch;
import dev.llmfleet.config.OperatorConfig;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;

@ControllerConfiguration(name = "download")
public class DownloadReconciler implements Reconciler<Download> {

  private final OperatorConfig config;
  private final Clock clock;

  public DownloadReconciler(OperatorConfig config) {
    this(config, Clock.systemUTC());
  }

  DownloadReconciler(OperatorConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public UpdateControl<Download> reconcile(Download download, Context<Download> context) {
    DownloadStatus desired = DownloadStatuses.compute(download, clock.instant());
    return StatusPatch.ifChanged(download, DownloadStatuses.operatorOwned(download.getStatus()), desired,
        Download::new);
  }
}
