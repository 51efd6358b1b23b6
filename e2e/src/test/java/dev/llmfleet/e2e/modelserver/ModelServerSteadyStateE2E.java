package dev.llmfleet.e2e.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.e2e.support.FakeNode;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.SmallServer;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A settled fleet costs the API server nothing: with 100 Ready ModelServers, a quiet minute brings
 * no writes.
 */
@ExtendWith(LlmFleetExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelServerSteadyStateE2E {

  private static final int SERVERS = 100;
  private static final String NODE_LABEL = "llmfleet.dev/e2e-fleet";

  private final TestNamespace namespace;
  private final String nodeName;

  ModelServerSteadyStateE2E(TestNamespace namespace) {
    this.namespace = namespace;
    this.nodeName = "fleet-" + namespace.name();
  }

  /** A node of its own, so that the fleet neither crowds other tests' nodes nor depends on them. */
  @BeforeAll
  void addNode() {
    FakeNode.add(namespace.client(), nodeName, NODE_LABEL, namespace.name(), 250);
  }

  @AfterAll
  void removeNode() {
    FakeNode.remove(namespace.client(), nodeName);
  }

  @Test
  void settledFleetIsNotRewrittenForAMinute() throws InterruptedException {
    IntStream.range(0, SERVERS)
        .forEach(i -> namespace.client().resource(server("fleet-" + i)).create());
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(servers())
                    .filteredOn(
                        s ->
                            s.getStatus() != null
                                && s.getStatus().getPhase() == ModelServerPhase.Ready)
                    .hasSize(SERVERS));

    Map<String, String> before = resourceVersions();
    long eventsBefore = operatorEvents();
    Thread.sleep(Duration.ofMinutes(1).toMillis());

    assertThat(resourceVersions()).isEqualTo(before);
    assertThat(operatorEvents()).isEqualTo(eventsBefore);
  }

  @Test
  void horizontalPodAutoscalerCanReadAndSetTheScale() {
    namespace.client().resource(server("autoscaled")).create();
    namespace
        .client()
        .resource(
            new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName("autoscaled")
                .withNamespace(namespace.name())
                .endMetadata()
                .withNewSpec()
                .withNewScaleTargetRef()
                .withApiVersion("llmfleet.dev/v1alpha1")
                .withKind("ModelServer")
                .withName("autoscaled")
                .endScaleTargetRef()
                .withMinReplicas(2)
                .withMaxReplicas(4)
                .addNewMetric()
                .withType("Resource")
                .withNewResource()
                .withName("cpu")
                .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(80)
                .endTarget()
                .endResource()
                .endMetric()
                .endSpec()
                .build())
        .create();

    // The HPA controller reads the scale subresource (AbleToScale) and raises replicas to
    // minReplicas.
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              var hpa =
                  namespace
                      .client()
                      .autoscaling()
                      .v2()
                      .horizontalPodAutoscalers()
                      .inNamespace(namespace.name())
                      .withName("autoscaled")
                      .get();
              assertThat(hpa.getStatus()).isNotNull();
              assertThat(hpa.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("AbleToScale");
                        assertThat(c.getStatus()).isEqualTo("True");
                      });
            });
  }

  private ModelServer server(String name) {
    return SmallServer.onNodes(namespace.name(), name, NODE_LABEL, namespace.name());
  }

  private List<ModelServer> servers() {
    return namespace
        .client()
        .resources(ModelServer.class)
        .inNamespace(namespace.name())
        .list()
        .getItems()
        .stream()
        .filter(s -> s.getMetadata().getName().startsWith("fleet-"))
        .toList();
  }

  /** kind/name → resourceVersion of every ModelServer, Deployment and Service of the fleet. */
  private Map<String, String> resourceVersions() {
    Stream<HasMetadata> objects =
        Stream.concat(
            servers().stream(),
            Stream.concat(
                namespace
                    .client()
                    .apps()
                    .deployments()
                    .inNamespace(namespace.name())
                    .list()
                    .getItems()
                    .stream(),
                namespace
                    .client()
                    .services()
                    .inNamespace(namespace.name())
                    .list()
                    .getItems()
                    .stream()));
    return objects
        .filter(o -> o.getMetadata().getName().startsWith("fleet-"))
        .collect(
            Collectors.toMap(
                o -> o.getKind() + "/" + o.getMetadata().getName(),
                o -> o.getMetadata().getResourceVersion(),
                (a, b) -> a,
                TreeMap::new));
  }

  private long operatorEvents() {
    return namespace.client().v1().events().inNamespace(namespace.name()).list().getItems().stream()
        .filter(
            e -> e.getSource() != null && "llmfleet-operator".equals(e.getSource().getComponent()))
        .count();
  }
}
