package dev.llmfleet.common.names;

import dev.llmfleet.api.v1alpha1.ModelServer;

/**
 * Names of the objects a ModelServer owns; kept apart from other kinds' as {@link DownloadNames}
 * says.
 */
public final class ModelServerNames {

  private ModelServerNames() {}

  public static String deployment(ModelServer server) {
    return ObjectNames.label(name(server), "");
  }

  /**
   * A DNS-1035 label, as Service names must be: {@code llama3.1-8b} is served as {@code
   * llama3-1-8b-<hash>}.
   */
  public static String service(ModelServer server) {
    return ObjectNames.dns1035(name(server));
  }

  /** The Secret spec.secrets are synced into. */
  public static String secrets(ModelServer server) {
    return ObjectNames.subdomain(name(server), "-secrets");
  }

  private static String name(ModelServer server) {
    return server.getMetadata().getName();
  }
}
