package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.common.AccessMode;

/**
 * A LoRA adapter from a succeeded FineTuneJob: its output folder, mounted read-only at {@code
 * /adapters/<name>}.
 *
 * @param accessMode the output claim's access mode (the FineTuneJob's output.storage.accessMode)
 */
public record AdapterLocation(
    String name, String claimName, String subPath, AccessMode accessMode) {

  public static final String MOUNT_ROOT = "/adapters";

  public String localPath() {
    return MOUNT_ROOT + "/" + name;
  }
}
