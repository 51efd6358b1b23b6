package dev.llmfleet.e2e.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.FakeNode;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.OperatorProcess;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.SmallServer;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator process (the jar) is killed with SIGKILL while Downloads are half done and
 * ModelServers are converging, and a new process takes over: every Download finishes in its first
 * run (one Job, its progress kept), every ModelServer gets exactly one Deployment and becomes
 * Ready. The downloaders' reports are written the way the downloader writes them (server-side apply
 * under its field manager), so that they go on while no operator runs.
 */
@ExtendWith(LlmFleetExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartE2E {

  private static final int DOWNLOADS = 3;
  private static final int SERVERS = 12;
  private static final long TOTAL = 4096;
  private static final String NODE_LABEL = "llmfleet.dev/e2e-restart";

  private final Cluster cluster;
  private final KubernetesClient client;
  private final TestNamespace processNamespace;
  private final String namespace;
  private final String nodeName;
  private OperatorProcess operator;

  RestartE2E(Cluster cluster, TestNamespace testNamespace) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.processNamespace = testNamespace.sibling("procs", Map.of());
    this.namespace = processNamespace.name();
    this.nodeName = "restart-" + namespace;
  }

  /**
   * The process under test watches a namespace the test JVM's operator does not; its pods get a
   * node of their own.
   */
  @BeforeAll
  void node() {
    FakeNode.add(client, nodeName, NODE_LABEL, namespace, 110);
  }

  @AfterAll
  void cleanUp() {
    Optional.ofNullable(operator).ifPresent(OperatorProcess::close);
    processNamespace.delete();
    FakeNode.remove(client, nodeName);
  }

  @Test
  void aKilledOperatorIsReplacedWithoutSecondRunsOrDuplicates() {
    operator = start("operator-1");
    IntStream.range(0, DOWNLOADS).forEach(i -> client.resource(download("weights-" + i)).create());
    for (int i = 0; i < DOWNLOADS; i++) {
      String name = "weights-" + i;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> processNamespace.get(name + "-run-1", Job.class) != null);
      report(name, progress(name, TOTAL / 4));
    }
    IntStream.range(0, SERVERS).forEach(i -> client.resource(server("server-" + i)).create());

    operator.kill();
    // The downloaders go on while no operator runs.
    IntStream.range(0, DOWNLOADS)
        .forEach(i -> report("weights-" + i, progress("weights-" + i, TOTAL / 2)));
    operator = start("operator-2");

    // A ModelServer created after the restart is reconciled: the new process is at work.
    client.resource(server("after-restart")).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> processNamespace.get("after-restart", Deployment.class) != null);
    for (int i = 0; i < DOWNLOADS; i++) {
      String name = "weights-" + i;
      assertThat(processNamespace.jobsOf(name))
          .extracting(j -> j.getMetadata().getName())
          .as("Jobs of %s", name)
          .containsExactly(name + "-run-1");
      report(name, progress(name, TOTAL * 3 / 4));
      DownloadProgress done = progress(name, TOTAL);
      done.setPercent(100);
      done.setFilesDone(1);
      done.setVerified(true);
      report(name, done);
    }

    for (int i = 0; i < DOWNLOADS; i++) {
      String name = "weights-" + i;
      Download download =
          processNamespace.awaitPhase(name, DownloadPhase.Succeeded, Duration.ofSeconds(90));
      assertThat(download.getStatus().getRuns())
          .as("runs of %s", name)
          .singleElement()
          .satisfies(run -> assertThat(run.getName()).isEqualTo(name + "-run-1"));
      assertThat(download.getStatus().getProgress().getRun()).isEqualTo(name + "-run-1");
      assertThat(download.getStatus().getProgress().getBytesDone()).isEqualTo(TOTAL);
    }
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(ModelServer.class)
                            .inNamespace(namespace)
                            .list()
                            .getItems())
                    .hasSize(SERVERS + 1)
                    .allSatisfy(
                        s ->
                            assertThat(s.getStatus())
                                .isNotNull()
                                .satisfies(
                                    st ->
                                        assertThat(st.getPhase())
                                            .as(s.getMetadata().getName())
                                            .isEqualTo(ModelServerPhase.Ready))));
    List<Deployment> deployments =
        client.apps().deployments().inNamespace(namespace).list().getItems();
    assertThat(deployments)
        .hasSize(SERVERS + 1)
        .allSatisfy(
            d ->
                assertThat(d.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(o -> assertThat(o.getName()).isEqualTo(d.getMetadata().getName())));
    assertThat(operator.isAlive()).isTrue();
  }

  private OperatorProcess start(String podName) {
    OperatorProcess process =
        OperatorProcess.start(cluster, podName, namespace, namespace, List.of("-Xmx256m"));
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(process.ready())
                    .as("%s ready; log:\n%s", podName, process.log())
                    .isTrue());
    return process;
  }

  private static DownloadProgress progress(String name, long bytesDone) {
    return DownloadProgress.builder()
        .run(name + "-run-1")
        .bytesDone(bytesDone)
        .bytesTotal(TOTAL)
        .percent((int) (bytesDone * 100 / TOTAL))
        .filesDone(0)
        .filesTotal(1)
        .build();
  }

  /** What the downloader writes, so that reports go on while no operator runs. */
  private void report(String download, DownloadProgress progress) {
    DownloaderReports.report(processNamespace, download, progress);
  }

  private Download download(String name) {
    return SmallDownload.of(namespace, name, name + ".gguf");
  }

  private ModelServer server(String name) {
    return SmallServer.onNodes(namespace, name, NODE_LABEL, namespace);
  }
}
