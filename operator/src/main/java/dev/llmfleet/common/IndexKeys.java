package dev.llmfleet.common;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Keys of the controllers' indexes on their own resources: a name is unique only within its
 * namespace.
 */
public final class IndexKeys {

  private IndexKeys() {}

  /** The key of {@code name} in the namespace of {@code inNamespaceOf}. */
  public static String of(HasMetadata inNamespaceOf, String name) {
    return of(inNamespaceOf.getMetadata().getNamespace(), name);
  }

  public static String of(String namespace, String name) {
    return namespace + "/" + name;
  }
}
