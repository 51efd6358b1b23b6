package dev.llmfleet.modelserver;

import dev.llmfleet.api.v1alpha1.Adapter;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.modelserver.runtimes.AdapterLocation;
import dev.llmfleet.modelserver.runtimes.ModelLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a ModelServer serves, resolved from the Download and FineTuneJobs it refers to: either every
 * input is ready (a model location and the adapters), or the reason it waits, naming what it waits
 * for.
 *
 * @param inputFailed what it waits for has Failed: it will not become ready without a change to it,
 *     so the server is Stalled rather than still reconciling
 */
public record ModelInputs(
    Optional<ModelLocation> model,
    List<AdapterLocation> adapters,
    String waitReason,
    String waitMessage,
    boolean inputFailed) {

  public static final String WAITING_FOR_DOWNLOAD = "WaitingForDownload";
  public static final String WAITING_FOR_FINE_TUNE_JOB = "WaitingForFineTuneJob";

  public boolean ready() {
    return waitReason == null;
  }

  /**
   * @param download the referenced Download, or null when it does not exist (or the model is a URI)
   * @param fineTuneJobs the referenced FineTuneJobs that exist, by name
   */
  public static ModelInputs resolve(
      ModelServer server, Download download, Map<String, FineTuneJob> fineTuneJobs) {
    ModelSource source = server.getSpec().getModel();
    ModelLocation model;
    if (source.getDownloadRef() == null) {
      model = ModelLocation.ofUri(source.getUri());
    } else {
      String name = source.getDownloadRef().getName();
      if (download == null) {
        return waiting(WAITING_FOR_DOWNLOAD, false, "Download " + name + " does not exist");
      }
      DownloadPhase phase = download.getStatus() == null ? null : download.getStatus().getPhase();
      if (phase != DownloadPhase.Succeeded) {
        return waiting(
            WAITING_FOR_DOWNLOAD,
            phase == DownloadPhase.Failed,
            "Download "
                + name
                + " is "
                + (phase == null ? "Pending" : phase)
                + "; the server starts once it is Succeeded");
      }
      model =
          ModelLocation.ofDownload(
              download.getStatus().getClaimName(),
              download.getStatus().getPath(),
              source.getFile(),
              download.getSpec().getStorage().getAccessMode());
    }
    List<AdapterLocation> adapters = new ArrayList<>();
    for (Adapter adapter :
        server.getSpec().getAdapters() == null
            ? List.<Adapter>of()
            : server.getSpec().getAdapters()) {
      String name = adapter.getFineTuneJobRef().getName();
      FineTuneJob job = fineTuneJobs.get(name);
      if (job == null) {
        return waiting(
            WAITING_FOR_FINE_TUNE_JOB,
            false,
            "FineTuneJob " + name + " of adapter " + adapter.getName() + " does not exist");
      }
      if (job.getStatus() == null
          || job.getStatus().getPhase() != FineTuneJobPhase.Succeeded
          || job.getStatus().getOutput() == null) {
        boolean failed =
            job.getStatus() != null && job.getStatus().getPhase() == FineTuneJobPhase.Failed;
        return waiting(
            WAITING_FOR_FINE_TUNE_JOB,
            failed,
            "FineTuneJob "
                + name
                + " of adapter "
                + adapter.getName()
                + (failed ? " has Failed" : " has not succeeded yet"));
      }
      adapters.add(
          new AdapterLocation(
              adapter.getName(),
              job.getStatus().getOutput().getClaimName(),
              job.getStatus().getOutput().getPath(),
              job.getSpec().getOutput().getStorage().getAccessMode()));
    }
    return new ModelInputs(Optional.of(model), adapters, null, null, false);
  }

  private static ModelInputs waiting(String reason, boolean failed, String message) {
    return new ModelInputs(Optional.empty(), List.of(), reason, message, failed);
  }
}
