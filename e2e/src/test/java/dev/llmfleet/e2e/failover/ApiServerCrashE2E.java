package dev.llmfleet.e2e.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.OperatorProcess;
import dev.llmfleet.e2e.support.SmallServer;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kube-apiserver is killed with SIGKILL and started again while the fleet is settled: the operator
 * process (the jar) keeps running, its watches come back, and a change and a new resource made
 * afterwards are reconciled.
 */
@ExtendWith(LlmFleetExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServerCrashE2E {

  private final Cluster cluster;
  private final KubernetesClient client;
  private final TestNamespace namespace;
  private OperatorProcess operator;

  ApiServerCrashE2E(Cluster cluster, TestNamespace testNamespace) {
    this.cluster = cluster;
    this.client = cluster.client();
    // The in-process operator of the test JVM watches testNamespace; the process under test watches
    // this one.
    this.namespace = testNamespace.sibling("procs", Map.of());
  }

  @BeforeAll
  void startOperator() {
    operator =
        OperatorProcess.start(
            cluster, "operator-0", namespace.name(), namespace.name(), List.of("-Xmx256m"));
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(operator.ready())
                    .as("operator ready; log:\n%s", operator.log())
                    .isTrue());
  }

  @AfterAll
  void cleanUp() {
    Optional.ofNullable(operator).ifPresent(OperatorProcess::close);
    namespace.delete();
  }

  @Test
  void watchesRecoverAndLaterChangesAreReconciled() {
    client.resource(server("before")).create();
    namespace.awaitPhase("before", ModelServerPhase.Ready, Duration.ofSeconds(60));

    cluster.crashApiServer();

    client
        .resources(ModelServer.class)
        .inNamespace(namespace.name())
        .withName("before")
        .edit(
            s -> {
              s.getSpec().setReplicas(2);
              return s;
            });
    client.resource(server("after")).create();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(namespace.get("before", Deployment.class))
                  .isNotNull()
                  .satisfies(d -> assertThat(d.getSpec().getReplicas()).isEqualTo(2));
              assertThat(namespace.get("after", Deployment.class)).isNotNull();
            });
    namespace.awaitPhase("after", ModelServerPhase.Ready, Duration.ofSeconds(60));
    assertThat(operator.isAlive()).as("operator process alive; log:\n%s", operator.log()).isTrue();
    assertThat(operator.ready())
        .as("operator ready after the crash; log:\n%s", operator.log())
        .isTrue();
    assertThat(client.apps().deployments().inNamespace(namespace.name()).list().getItems())
        .hasSize(2);
  }

  private ModelServer server(String name) {
    return SmallServer.named(namespace.name(), name);
  }
}
