package dev.llmfleet.finetune;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.common.AccessMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two Downloads a FineTuneJob trains from, resolved from the informer's view: where their files
 * are once both are Succeeded, or which of them it still waits for and why.
 *
 * @param model the base model's folder, or null while waiting
 * @param data the data set's folder, or null while waiting
 * @param waitingFor one phrase per Download not ready yet, naming it
 */
public record FineTuneInputs(Location model, Location data, List<String> waitingFor) {

  /**
   * A Download's folder: its claim, the path inside it, and the claim's access mode
   * (spec.storage.accessMode).
   */
  public record Location(String claimName, String path, AccessMode accessMode) {}

  public boolean ready() {
    return waitingFor.isEmpty();
  }

  /**
   * @param downloads the referenced Downloads that exist, by name
   */
  public static FineTuneInputs resolve(FineTuneJob job, Map<String, Download> downloads) {
    List<String> waiting = new ArrayList<>();
    Location model =
        locate(
            job.getSpec().getBaseModel().getDownloadRef().getName(),
            "base model",
            downloads,
            waiting);
    Location data =
        locate(
            job.getSpec().getDataset().getDownloadRef().getName(), "data set", downloads, waiting);
    return waiting.isEmpty()
        ? new FineTuneInputs(model, data, List.of())
        : new FineTuneInputs(null, null, List.copyOf(waiting));
  }

  private static Location locate(
      String name, String role, Map<String, Download> downloads, List<String> waiting) {
    Download download = downloads.get(name);
    if (download == null) {
      waiting.add("Download " + name + " (" + role + ") does not exist");
      return null;
    }
    DownloadPhase phase = download.getStatus() == null ? null : download.getStatus().getPhase();
    if (phase != DownloadPhase.Succeeded) {
      waiting.add(
          "Download "
              + name
              + " ("
              + role
              + ") is "
              + (phase == null ? DownloadPhase.Pending : phase));
      return null;
    }
    return new Location(
        download.getStatus().getClaimName(),
        download.getStatus().getPath(),
        download.getSpec().getStorage().getAccessMode());
  }
}
