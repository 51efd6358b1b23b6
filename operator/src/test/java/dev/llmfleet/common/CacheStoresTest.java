package dev.llmfleet.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheStoresTest {

  private static final OperatorConfig ALL_NAMESPACES = OperatorConfig.fromEnvironment(Map.of());
  private static final OperatorConfig ONE_NAMESPACE =
      OperatorConfig.fromEnvironment(Map.of("LLMFLEET_NAMESPACES", "team-a"));
  private static final OperatorConfig TWO_NAMESPACES =
      OperatorConfig.fromEnvironment(Map.of("LLMFLEET_NAMESPACES", "team-a,team-b"));

  @Test
  void dropsManagedFieldsBeforeCaching() {
    ItemStore<Deployment> store = CacheStores.withoutManagedFields(ALL_NAMESPACES);

    Deployment cached = put(store, deployment());

    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(cached.getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void keepsOnlyTheServerSideApplyEntriesThatTheMatchReads() {
    ItemStore<Deployment> store = CacheStores.appliedFieldsOnly(ONE_NAMESPACE);

    Deployment cached = put(store, deployment());

    assertThat(cached.getMetadata().getManagedFields())
        .singleElement()
        .satisfies(e -> assertThat(e.getManager()).isEqualTo("modelserver"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void compactFieldTreesReadLikeTheParsedOnes() {
    Map<String, Object> parsed = new LinkedHashMap<>();
    parsed.put("f:spec", new LinkedHashMap<>(Map.of("f:replicas", Map.of())));
    Map<String, Object> containers = new LinkedHashMap<>();
    containers.put(".", Map.of());
    containers.put("k:{\"name\":\"server\"}", new LinkedHashMap<>(Map.of("f:image", Map.of())));
    parsed.put("f:containers", containers);

    Map<String, Object> compact = CacheStores.compact(parsed);

    assertThat(compact).isEqualTo(parsed);
    assertThat(((Map<String, ?>) compact.get("f:containers")).keySet())
        .containsExactly(".", "k:{\"name\":\"server\"}");
    assertThat(compact.keySet()).containsExactly("f:spec", "f:containers");
  }

  @Test
  void keepsLabelsAndStatusOfPods() {
    ItemStore<Pod> store = CacheStores.podStatusOnly(ALL_NAMESPACES);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("chat-0")
            .withNamespace("team-a")
            .addToLabels("app.kubernetes.io/instance", "chat")
            .withManagedFields(entry("kubelet", "Update"))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("server")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .endStatus()
            .build();

    Pod cached = put(store, pod);

    assertThat(cached.getSpec()).isNull();
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/instance", "chat");
    assertThat(cached.getStatus().getPhase()).isEqualTo("Running");
  }

  /**
   * JOSDK gives the informers of each watched namespace the same store: a relist of one would empty
   * the others.
   */
  @Test
  void severalWatchedNamespacesKeepJosdksDefaultStores() {
    assertThat(CacheStores.<Deployment>withoutManagedFields(TWO_NAMESPACES)).isNull();
    assertThat(CacheStores.<Deployment>appliedFieldsOnly(TWO_NAMESPACES)).isNull();
    assertThat(CacheStores.podStatusOnly(TWO_NAMESPACES)).isNull();
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> R put(
      ItemStore<R> store, R object) {
    String key = store.getKey(object);
    store.put(key, object);
    return store.get(key);
  }

  private static Deployment deployment() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("chat")
        .withNamespace("team-a")
        .withResourceVersion("42")
        .withManagedFields(
            entry("modelserver", "Apply"), entry("kube-controller-manager", "Update"))
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .endSpec()
        .build();
  }

  private static ManagedFieldsEntry entry(String manager, String operation) {
    return new ManagedFieldsEntryBuilder()
        .withManager(manager)
        .withOperation(operation)
        .withApiVersion("v1")
        .build();
  }
}
