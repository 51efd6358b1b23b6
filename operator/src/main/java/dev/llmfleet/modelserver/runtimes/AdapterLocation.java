package dev.llmfleet.modelserver.runtimes;

/**
 * A LoRA adapter from a succeeded FineTuneJob: its output folder, mounted read-only at
 * {@code /adapters/<name>}.
 */
public record AdapterLocation(String name, String claimName, String subPath) {

  public static final String MOUNT_ROOT = "/adapters";

  public String localPath() {
    return MOUNT_ROOT + "/" + name;
  }
}
