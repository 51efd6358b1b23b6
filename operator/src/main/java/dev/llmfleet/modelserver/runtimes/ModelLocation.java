package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.common.AccessMode;

/**
 * Where a server finds its model: a Download's folder mounted at {@link #MOUNT_PATH} (and maybe a
 * file in it), or a URI the runtime pulls itself.
 *
 * @param claimName the Download's claim, or null for a URI
 * @param subPath the Download's folder inside the claim
 * @param file a file inside that folder, or null for the folder
 * @param uri hf://, ollama:// or https:// model, or null for a Download
 * @param accessMode the Download's claim's access mode (its spec.storage.accessMode), or null for a
 *     URI
 */
public record ModelLocation(
    String claimName, String subPath, String file, String uri, AccessMode accessMode) {

  public static final String MOUNT_PATH = "/models";

  public static ModelLocation ofDownload(
      String claimName, String subPath, String file, AccessMode accessMode) {
    return new ModelLocation(claimName, subPath, file, null, accessMode);
  }

  public static ModelLocation ofUri(String uri) {
    return new ModelLocation(null, null, null, uri, null);
  }

  public boolean isDownload() {
    return claimName != null;
  }

  /** Path of the model inside the container, for a Download. */
  public String localPath() {
    return file == null ? MOUNT_PATH : MOUNT_PATH + "/" + file;
  }

  /** The Hugging Face repo id of an hf:// URI. */
  public String huggingFaceRepo() {
    return uri.substring("hf://".length());
  }

  public boolean isHuggingFace() {
    return uri != null && uri.startsWith("hf://");
  }

  public boolean isOllama() {
    return uri != null && uri.startsWith("ollama://");
  }
}
