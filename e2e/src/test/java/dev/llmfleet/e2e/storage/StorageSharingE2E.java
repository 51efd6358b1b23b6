package dev.llmfleet.e2e.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.Statuses;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Claims that several resources share: one writer per folder, a claim kept while a server reads it,
 * and the pods of a server on a ReadWriteOnce claim kept on one node.
 */
@ExtendWith(LlmFleetExtension.class)
class StorageSharingE2E {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final TestNamespace namespace;

  StorageSharingE2E(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @Test
  void aSecondWriterIntoAFolderIsRefusedNamingTheFirstAndStartsOnceItIsGone() {
    sharedClaim("shared");
    namespace.apply(download("first", "models/qwen"));
    await().atMost(TIMEOUT).until(() -> namespace.get("first-run-1", Job.class) != null);

    namespace.apply(download("second", "models/qwen"));
    namespace.apply(fineTuneJob("tune", "models"));

    Condition refused = awaitStalled("second", Download.class);
    assertThat(refused.getMessage())
        .startsWith("folder models/qwen of claim shared is written by Download first");
    assertThat(namespace.events("second"))
        .anySatisfy(
            event -> {
              assertThat(event.getReason()).isEqualTo("FolderConflict");
              assertThat(event.getType()).isEqualTo("Warning");
              assertThat(event.getMessage()).contains("Download first");
            });
    assertThat(namespace.get("second", Download.class).getStatus().getPhase())
        .isEqualTo(DownloadPhase.Pending);
    assertThat(namespace.get("second-run-1", Job.class)).isNull();
    // A folder around another's is the same conflict, across kinds.
    assertThat(awaitStalled("tune", FineTuneJob.class).getMessage())
        .startsWith("folder models of claim shared is written by Download first");

    namespace.client().resource(namespace.get("first", Download.class)).delete();

    // The refused one looks again within 30 s; of the two left, the older Download keeps the
    // folder.
    await().atMost(TIMEOUT).until(() -> namespace.get("second-run-1", Job.class) != null);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(awaitStalled("tune", FineTuneJob.class).getMessage())
                    .startsWith("folder models of claim shared is written by Download second"));
  }

  @Test
  void aDownloadDeletedWhileAServerReadsItsClaimLeavesTheClaimUntilTheServerGoes() {
    namespace.apply(sizedDownload("weights", "ReadWriteOnce"));
    await().atMost(TIMEOUT).until(() -> namespace.get("weights-run-1", Job.class) != null);
    DownloaderReports.verified(namespace, "weights", "weights-run-1");
    namespace.apply(server("reader", "weights", 1));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        namespace
                            .get("weights-data", PersistentVolumeClaim.class)
                            .getMetadata()
                            .getOwnerReferences())
                    .anySatisfy(
                        owner -> {
                          assertThat(owner.getKind()).isEqualTo("ModelServer");
                          assertThat(owner.getName()).isEqualTo("reader");
                          assertThat(owner.getController()).isFalse();
                        }));

    namespace.client().resource(namespace.get("weights", Download.class)).delete();
    await().atMost(TIMEOUT).until(() -> namespace.get("weights", Download.class) == null);

    // The garbage collector has had its chance: the claim stays, not even marked for deletion.
    await()
        .during(Duration.ofSeconds(10))
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              PersistentVolumeClaim claim =
                  namespace.get("weights-data", PersistentVolumeClaim.class);
              assertThat(claim).as("claim weights-data").isNotNull();
              assertThat(claim.getMetadata().getDeletionTimestamp()).isNull();
            });

    namespace.client().resource(namespace.get("reader", ModelServer.class)).delete();
    await()
        .atMost(TIMEOUT)
        .until(() -> namespace.get("weights-data", PersistentVolumeClaim.class) == null);
  }

  @Test
  void theReplicasOfAServerOnAReadWriteOnceClaimShareOneNode() {
    namespace.apply(sizedDownload("rwo", "ReadWriteOnce"));
    await().atMost(TIMEOUT).until(() -> namespace.get("rwo-run-1", Job.class) != null);
    DownloaderReports.verified(namespace, "rwo", "rwo-run-1");

    // It tolerates the GPU nodes' taint: three nodes could take it, and the scheduler spreads
    // replicas by default.
    namespace.apply(
        server("spread", "rwo", 3)
            + """
          tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
        """);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              List<Pod> pods =
                  namespace
                      .client()
                      .pods()
                      .inNamespace(namespace.name())
                      .withLabel("app.kubernetes.io/instance", "spread")
                      .list()
                      .getItems();
              assertThat(pods)
                  .hasSize(3)
                  .allSatisfy(pod -> assertThat(pod.getSpec().getNodeName()).isNotNull());
              assertThat(pods.stream().map(pod -> pod.getSpec().getNodeName()).distinct())
                  .hasSize(1);
            });
  }

  private void sharedClaim(String name) {
    namespace
        .client()
        .persistentVolumeClaims()
        .inNamespace(namespace.name())
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName("standard")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .create();
  }

  private static String download(String name, String subPath) {
    return """
        apiVersion: llmfleet.dev/v1alpha1
        kind: Download
        metadata: {name: %s}
        spec:
          source: {http: {url: "http://127.0.0.1:9/%s"}}
          storage: {existingClaim: shared, subPath: %s}
        """
        .formatted(name, name, subPath);
  }

  private static String sizedDownload(String name, String accessMode) {
    return """
        apiVersion: llmfleet.dev/v1alpha1
        kind: Download
        metadata: {name: %s}
        spec:
          source: {http: {url: "http://127.0.0.1:9/%s"}}
          storage: {size: 1Gi, accessMode: %s}
        """
        .formatted(name, name, accessMode);
  }

  private static String fineTuneJob(String name, String subPath) {
    return """
        apiVersion: llmfleet.dev/v1alpha1
        kind: FineTuneJob
        metadata: {name: %s}
        spec:
          baseModel: {downloadRef: {name: base}}
          dataset: {downloadRef: {name: tickets}, file: train.jsonl}
          resources: {gpus: 1, gpuType: NVIDIA-H100-80GB-HBM3}
          output: {storage: {existingClaim: shared, subPath: %s}}
        """
        .formatted(name, subPath);
  }

  private static String server(String name, String download, int replicas) {
    return """
        apiVersion: llmfleet.dev/v1alpha1
        kind: ModelServer
        metadata: {name: %s}
        spec:
          runtime: llamacpp
          model: {downloadRef: {name: %s}, file: model.gguf}
          replicas: %d
          resources: {gpus: 0, cpu: 100m, memory: 256Mi}
        """
        .formatted(name, download, replicas);
  }

  private <T extends HasMetadata> Condition awaitStalled(String name, Class<T> type) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> Statuses.conditionOrNull(namespace.get(name, type), "Stalled"),
            c ->
                c != null
                    && "True".equals(c.getStatus())
                    && "FolderConflict".equals(c.getReason()));
  }
}
