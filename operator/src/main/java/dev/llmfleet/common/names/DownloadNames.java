package dev.llmfleet.common.names;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.common.Storage;

/**
 * Names of the objects a Download owns. The last segments of each suffix are its kind's own ({@code
 * -run-<n>} against a FineTuneJob's {@code -train-<n>}, {@code -download-env} against {@code
 * -secrets} and {@code -fine-tune-env}), so no Download, whatever its name, wants an object another
 * kind wants.
 */
public final class DownloadNames {

  private DownloadNames() {}

  /** The claim the files go to: the existing one, or {@code <name>-data}. */
  public static String claim(Download download) {
    Storage storage = download.getSpec().getStorage();
    return storage.getExistingClaim() != null
        ? storage.getExistingClaim()
        : ObjectNames.subdomain(name(download), "-data");
  }

  /** A run's Job (and its pods' job-name label). */
  public static String run(Download download, int attempt) {
    return ObjectNames.label(name(download), "-run-" + attempt);
  }

  /** The Job that removes the files of a Download that failed for good. */
  public static String cleanup(Download download) {
    return ObjectNames.label(name(download), "-cleanup");
  }

  /** The download pods' ServiceAccount, and the Role and RoleBinding that go with it. */
  public static String serviceAccount(Download download) {
    return ObjectNames.subdomain(name(download), "-downloader");
  }

  /** The Secret spec.secrets are synced into. */
  public static String secrets(Download download) {
    return ObjectNames.subdomain(name(download), "-download-env");
  }

  private static String name(Download download) {
    return download.getMetadata().getName();
  }
}
