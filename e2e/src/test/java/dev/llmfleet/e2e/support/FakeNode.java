package dev.llmfleet.e2e.support;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * A KWOK node of a test's own (KWOK plays its kubelet), so that a fleet of pods does not crowd the
 * shared nodes: labelled {@code key=value} for the test's nodeSelectors, with room for {@code pods}
 * pods.
 */
public final class FakeNode {

  private FakeNode() {}

  public static void add(KubernetesClient client, String name, String key, String value, int pods) {
    Map<String, Quantity> capacity =
        Map.of(
            "cpu",
            new Quantity("1000"),
            "memory",
            new Quantity("4Ti"),
            "pods",
            new Quantity(Integer.toString(pods)));
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToAnnotations("kwok.x-k8s.io/node", "fake")
                .addToLabels("type", "kwok")
                .addToLabels(key, value)
                .endMetadata()
                .withNewStatus()
                .withCapacity(capacity)
                .withAllocatable(capacity)
                .endStatus()
                .build())
        .create();
  }

  public static void remove(KubernetesClient client, String name) {
    client.nodes().withName(name).delete();
  }
}
