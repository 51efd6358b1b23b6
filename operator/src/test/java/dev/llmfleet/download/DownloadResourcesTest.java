package dev.llmfleet.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.AccessMode;
import dev.llmfleet.api.v1alpha1.common.Toleration;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DownloadResourcesTest {

  static final OperatorConfig CONFIG =
      OperatorConfig.fromEnvironment(Map.of("LLMFLEET_IMAGE", "llmfleet:test"));
  static final Toleration REAL_NODE =
      Toleration.builder()
          .key("llmfleet.dev/real-node")
          .operator(Toleration.TolerationOperator.Equal)
          .value("true")
          .effect(Toleration.TaintEffect.NoSchedule)
          .build();

  @Test
  void aLongNameGivesJobsAndLabelsWithinTheirLimits() {
    Download download = DownloadRunsTest.download();
    download.getMetadata().setName("org.model-" + "x".repeat(60));

    Job run = DownloadResources.job(download, 20, CONFIG);
    Job cleanup = DownloadResources.cleanupJob(download, CONFIG);

    for (Job job : List.of(run, cleanup)) {
      assertThat(job.getMetadata().getName())
          .hasSizeLessThanOrEqualTo(63)
          .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
      assertThat(job.getMetadata().getLabels().values())
          .allSatisfy(v -> assertThat(v).hasSizeLessThanOrEqualTo(63));
      assertThat(job.getSpec().getTemplate().getMetadata().getLabels().values())
          .allSatisfy(v -> assertThat(v).hasSizeLessThanOrEqualTo(63));
    }
    assertThat(run.getMetadata().getName())
        .endsWith("-run-20")
        .isNotEqualTo(DownloadResources.job(download, 2, CONFIG).getMetadata().getName());
  }

  @Test
  void runPodsGoWhereNodeSelectorAndTolerationsSay() {
    PodSpec pod = podSpec(DownloadResources.job(placed(), 1, CONFIG));

    assertThat(pod.getNodeSelector()).containsExactly(Map.entry("llmfleet.dev/node", "real"));
    assertThat(pod.getTolerations())
        .containsExactly(
            new TolerationBuilder()
                .withKey("llmfleet.dev/real-node")
                .withOperator("Equal")
                .withValue("true")
                .withEffect("NoSchedule")
                .build());
  }

  @Test
  void cleanupPodGoesWhereTheRunsWrote() {
    Download download = placed();

    PodSpec cleanup = podSpec(DownloadResources.cleanupJob(download, CONFIG));

    PodSpec run = podSpec(DownloadResources.job(download, 1, CONFIG));
    assertThat(cleanup.getNodeSelector()).isEqualTo(run.getNodeSelector()).isNotEmpty();
    assertThat(cleanup.getTolerations()).isEqualTo(run.getTolerations()).isNotEmpty();
  }

  @Test
  void withoutPlacementThePodsHaveNone() {
    Download download = DownloadRunsTest.download();
    download.getSpec().setNodeSelector(Map.of());
    download.getSpec().setTolerations(List.of());

    for (PodSpec pod :
        List.of(
            podSpec(DownloadResources.job(download, 1, CONFIG)),
            podSpec(DownloadResources.cleanupJob(download, CONFIG)))) {
      assertThat(pod.getNodeSelector()).isNullOrEmpty();
      assertThat(pod.getTolerations()).isNullOrEmpty();
    }
  }

  @Test
  void tolerationSecondsAndExistsAreKept() {
    Download download = DownloadRunsTest.download();
    download
        .getSpec()
        .setTolerations(
            List.of(
                Toleration.builder()
                    .operator(Toleration.TolerationOperator.Exists)
                    .effect(Toleration.TaintEffect.NoExecute)
                    .tolerationSeconds(30L)
                    .build()));

    assertThat(podSpec(DownloadResources.job(download, 1, CONFIG)).getTolerations())
        .containsExactly(
            new TolerationBuilder()
                .withOperator("Exists")
                .withEffect("NoExecute")
                .withTolerationSeconds(30L)
                .build());
  }

  @Test
  void downloadAndCleanupImagesAreNeverPulledWhenOnTheNode() {
    Download download = DownloadRunsTest.download();

    assertThat(podSpec(DownloadResources.job(download, 1, CONFIG)).getContainers())
        .extracting(Container::getImagePullPolicy)
        .containsOnly("IfNotPresent");
    assertThat(podSpec(DownloadResources.cleanupJob(download, CONFIG)).getContainers())
        .extracting(Container::getImagePullPolicy)
        .containsOnly("IfNotPresent");
  }

  @Test
  void onlyTheDownloadPodHoldsAServiceAccountTokenForItsOwnIdentity() {
    Download download = DownloadRunsTest.download();

    PodSpec run = podSpec(DownloadResources.job(download, 1, CONFIG));
    PodSpec cleanup = podSpec(DownloadResources.cleanupJob(download, CONFIG));

    assertThat(run.getServiceAccountName())
        .isEqualTo(DownloadResources.serviceAccountName(download));
    assertThat(run.getAutomountServiceAccountToken())
        .as("the downloader patches its Download's status")
        .isNull();
    assertThat(cleanup.getAutomountServiceAccountToken())
        .as("cleanup only removes files")
        .isFalse();
  }

  @Test
  void theClaimIsCoOwnedByTheServersThatReadItSoThatItOutlivesItsDownloadWhileRead() {
    Download download = DownloadRunsTest.download();
    download.getSpec().getStorage().setAccessMode(AccessMode.ReadWriteOnce);
    download.getMetadata().setUid("download-uid");
    ModelServer chat = new ModelServer();
    chat.setMetadata(new ObjectMetaBuilder().withName("chat").withUid("chat-uid").build());

    List<OwnerReference> owners =
        DownloadResources.claim(download, List.of(chat)).getMetadata().getOwnerReferences();

    assertThat(owners)
        .extracting(
            OwnerReference::getKind,
            OwnerReference::getUid,
            OwnerReference::getController,
            OwnerReference::getBlockOwnerDeletion)
        .containsExactly(
            tuple("Download", "download-uid", true, true),
            tuple("ModelServer", "chat-uid", false, false));
    assertThat(DownloadResources.claim(download, List.of()).getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getKind)
        .containsExactly("Download");
  }

  static Download placed() {
    Download download = DownloadRunsTest.download();
    download.getSpec().setNodeSelector(Map.of("llmfleet.dev/node", "real"));
    download.getSpec().setTolerations(List.of(REAL_NODE));
    return download;
  }

  static PodSpec podSpec(Job job) {
    return job.getSpec().getTemplate().getSpec();
  }
}
