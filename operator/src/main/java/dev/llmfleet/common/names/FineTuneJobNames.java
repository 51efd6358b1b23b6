package dev.llmfleet.common.names;

import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.common.Storage;

/**
 * Names of the objects a FineTuneJob owns; kept apart from other kinds' as {@link DownloadNames}
 * says.
 */
public final class FineTuneJobNames {

  private FineTuneJobNames() {}

  /** A run's Job and the ConfigMap with its trainer configuration. */
  public static String run(FineTuneJob job, int attempt) {
    return ObjectNames.label(name(job), "-train-" + attempt);
  }

  /** The Job that removes a collected run's folder. */
  public static String cleanup(FineTuneJob job, int attempt) {
    return ObjectNames.label(name(job), "-cleanup-" + attempt);
  }

  /** The claim the result goes to: the existing one, or {@code <name>-output}. */
  public static String claim(FineTuneJob job) {
    Storage storage = job.getSpec().getOutput().getStorage();
    return storage.getExistingClaim() != null
        ? storage.getExistingClaim()
        : ObjectNames.subdomain(name(job), "-output");
  }

  /** The Secret spec.secrets are synced into. */
  public static String secrets(FineTuneJob job) {
    return ObjectNames.subdomain(name(job), "-fine-tune-env");
  }

  private static String name(FineTuneJob job) {
    return job.getMetadata().getName();
  }
}
