package dev.llmfleet.common;

import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.SSABasedGenericKubernetesResourceMatcher;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Informer stores that keep what the operator reads of an object and drop the rest before it is cached, for the
 * kinds that grow with the fleet. Parsed managedFields are nested maps, one per field: at 1000 ModelServers they
 * were about half of the heap.
 *
 * <p>Each method returns null (JOSDK's default store) when the operator watches a list of several namespaces: JOSDK
 * then runs one informer per namespace and hands them all the same store, and each informer's relist would drop the
 * other namespaces' objects from it.
 */
public final class CacheStores {

  private CacheStores() {
  }

  /** For objects whose managedFields the operator never reads: its own resources, run Jobs. */
  public static <R extends HasMetadata> ItemStore<R> withoutManagedFields(OperatorConfig config) {
    return store(config, CacheStores::dropManagedFields);
  }

  /**
   * For dependents matched by server-side apply: JOSDK compares the desired object with the fields of the operator's
   * own Apply entry, so the Update entries of the controllers that write their status can go.
   */
  public static <R extends HasMetadata> ItemStore<R> appliedFieldsOnly(OperatorConfig config) {
    return store(config, CacheStores::keepAppliedFields);
  }

  /** For pods, of which the operator reads labels and status only. */
  public static ItemStore<Pod> podStatusOnly(OperatorConfig config) {
    return store(config, pod -> {
      pod.setSpec(null);
      return dropManagedFields(pod);
    });
  }

  private static <R extends HasMetadata> ItemStore<R> store(OperatorConfig config, UnaryOperator<R> trim) {
    boolean oneInformerPerKind = config.watchesAllNamespaces() || config.namespaces().size() == 1;
    return oneInformerPerKind ? new TransformingItemStore<>(trim) : null;
  }

  static <R extends HasMetadata> R dropManagedFields(R object) {
    object.getMetadata().setManagedFields(null);
    return object;
  }

  static <R extends HasMetadata> R keepAppliedFields(R object) {
    List<ManagedFieldsEntry> entries = object.getMetadata().getManagedFields();
    if (entries != null) {
      object.getMetadata().setManagedFields(entries.stream()
          .filter(e -> SSABasedGenericKubernetesResourceMatcher.APPLY_OPERATION.equals(e.getOperation()))
          .collect(Collectors.toCollection(ArrayList::new)));
    }
    return object;
  }
}
