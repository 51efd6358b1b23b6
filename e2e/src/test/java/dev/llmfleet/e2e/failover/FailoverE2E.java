package dev.llmfleet.e2e.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.OperatorProcess;
import dev.llmfleet.e2e.support.SmallServer;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
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
 * Two operator processes (the jar, as two replicas of the Deployment) with leader election,
 * watching a namespace of their own that the test JVM's operator does not watch: killing the leader
 * with SIGKILL hands the Lease to the other, which then reconciles what is created afterwards.
 */
@ExtendWith(LlmFleetExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverE2E {

  private static final String LEASE = "llmfleet-operator-lock";

  private final Cluster cluster;
  private final KubernetesClient client;
  private final TestNamespace processNamespace;
  private final String namespace;
  private OperatorProcess first;
  private OperatorProcess second;

  FailoverE2E(Cluster cluster, TestNamespace testNamespace) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.processNamespace = testNamespace.sibling("procs", Map.of());
    this.namespace = processNamespace.name();
  }

  @BeforeAll
  void startReplicas() {
    first = OperatorProcess.start(cluster, "operator-a", namespace, namespace, List.of("-Xmx256m"));
    second =
        OperatorProcess.start(cluster, "operator-b", namespace, namespace, List.of("-Xmx256m"));
  }

  @AfterAll
  void stopReplicas() {
    Optional.ofNullable(first).ifPresent(OperatorProcess::close);
    Optional.ofNullable(second).ifPresent(OperatorProcess::close);
    processNamespace.delete();
  }

  @Test
  void theSurvivorReconcilesAfterTheLeaderIsKilled() {
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(first.ready()).as("operator-a ready; log:\n%s", first.log()).isTrue();
              assertThat(second.ready()).as("operator-b ready; log:\n%s", second.log()).isTrue();
            });
    String leader =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(this::holder, h -> "operator-a".equals(h) || "operator-b".equals(h));
    client.resource(server("before")).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> processNamespace.get("before", Deployment.class) != null);

    OperatorProcess killed = leader.equals("operator-a") ? first : second;
    OperatorProcess survivor = killed == first ? second : first;
    killed.kill();
    client.resource(server("after")).create();

    // The Lease of the dead leader expires (15 s by default) before the survivor may take it.
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(processNamespace.get("after", Deployment.class) != null)
                    .as(
                        "Deployment of the ModelServer created after the kill; survivor log:\n%s",
                        survivor.log())
                    .isTrue());
    assertThat(holder()).isEqualTo(survivor.name());
    assertThat(survivor.isAlive()).isTrue();
    assertThat(client.apps().deployments().inNamespace(namespace).list().getItems()).hasSize(2);
  }

  private String holder() {
    Lease lease = processNamespace.get(LEASE, Lease.class);
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private ModelServer server(String name) {
    return SmallServer.onNodes(namespace, name, "llmfleet.dev/e2e-failover", namespace);
  }
}
