package dev.llmfleet.common.names;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobSpec;
import dev.llmfleet.api.v1alpha1.FineTuneOutput;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.Storage;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-kind naming helpers together: no two resources of different kinds want the same object.
 */
class OwnedNamesTest {

  /** Names chosen to hit one another's suffixes, plus long ones that are cut. */
  static final List<String> NAMES =
      List.of(
          "a",
          "a-run",
          "a-train",
          "a-run-1",
          "a-train-1",
          "a-cleanup",
          "a-cleanup-1",
          "a-download",
          "a-fine-tune",
          "a-secrets",
          "a-download-env",
          "a-fine-tune-env",
          "a-data",
          "a-output",
          "a-downloader",
          "a.b",
          "a-b",
          "x".repeat(63),
          "x".repeat(120),
          "x".repeat(253));

  @Test
  void noObjectOfOneKindHasTheNameOfAnotherKindsObject() {
    Map<String, String> claimedBy = new HashMap<>();
    List<String> collisions = new ArrayList<>();
    for (String name : NAMES) {
      claim(claimedBy, collisions, "Download " + name, objects(download(name)));
      claim(claimedBy, collisions, "FineTuneJob " + name, objects(fineTuneJob(name)));
      claim(claimedBy, collisions, "ModelServer " + name, objects(server(name)));
    }
    assertThat(collisions).isEmpty();
  }

  @Test
  void aDownloadAndAFineTuneJobOfOneNameGetTheirOwnJobsAndSecrets() {
    assertThat(DownloadNames.run(download("support"), 1)).isEqualTo("support-run-1");
    assertThat(FineTuneJobNames.run(fineTuneJob("support"), 1)).isEqualTo("support-train-1");
    assertThat(DownloadNames.secrets(download("support"))).isEqualTo("support-download-env");
    assertThat(FineTuneJobNames.secrets(fineTuneJob("support"))).isEqualTo("support-fine-tune-env");
    assertThat(ModelServerNames.secrets(server("support"))).isEqualTo("support-secrets");
  }

  @Test
  void namesThatFitStayWhatTheyWere() {
    Download download = download("qwen2-5-7b");
    assertThat(DownloadNames.claim(download)).isEqualTo("qwen2-5-7b-data");
    assertThat(DownloadNames.serviceAccount(download)).isEqualTo("qwen2-5-7b-downloader");
    assertThat(DownloadNames.cleanup(download)).isEqualTo("qwen2-5-7b-cleanup");
    assertThat(FineTuneJobNames.claim(fineTuneJob("support-lora")))
        .isEqualTo("support-lora-output");
    assertThat(ModelServerNames.deployment(server("qwen-chat"))).isEqualTo("qwen-chat");
    assertThat(ModelServerNames.service(server("qwen-chat"))).isEqualTo("qwen-chat");
  }

  private static void claim(
      Map<String, String> claimedBy, List<String> collisions, String owner, List<String> objects) {
    for (String object : objects) {
      String previous = claimedBy.putIfAbsent(object, owner);
      if (previous != null && !previous.equals(owner)) {
        collisions.add(object + " wanted by " + previous + " and " + owner);
      }
    }
  }

  /** Each object as "<API kind>/<name>": only objects of one API kind can collide. */
  private static List<String> objects(Download download) {
    return List.of(
        "Job/" + DownloadNames.run(download, 1),
        "Job/" + DownloadNames.run(download, 12),
        "Job/" + DownloadNames.cleanup(download),
        "PersistentVolumeClaim/" + DownloadNames.claim(download),
        "ServiceAccount/" + DownloadNames.serviceAccount(download),
        "Role/" + DownloadNames.serviceAccount(download),
        "RoleBinding/" + DownloadNames.serviceAccount(download),
        "Secret/" + DownloadNames.secrets(download));
  }

  private static List<String> objects(FineTuneJob job) {
    return List.of(
        "Job/" + FineTuneJobNames.run(job, 1),
        "Job/" + FineTuneJobNames.run(job, 12),
        "ConfigMap/" + FineTuneJobNames.run(job, 1),
        "Job/" + FineTuneJobNames.cleanup(job, 1),
        "PersistentVolumeClaim/" + FineTuneJobNames.claim(job),
        "Secret/" + FineTuneJobNames.secrets(job));
  }

  private static List<String> objects(ModelServer server) {
    return List.of(
        "Deployment/" + ModelServerNames.deployment(server),
        "Service/" + ModelServerNames.service(server),
        "Secret/" + ModelServerNames.secrets(server));
  }

  static Download download(String name) {
    Download download = new Download();
    download.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("models").build());
    download.setSpec(
        DownloadSpec.builder()
            .storage(Storage.builder().size(new Quantity("1Gi")).build())
            .build());
    return download;
  }

  static FineTuneJob fineTuneJob(String name) {
    FineTuneJob job = new FineTuneJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("models").build());
    job.setSpec(
        FineTuneJobSpec.builder()
            .output(new FineTuneOutput(Storage.builder().size(new Quantity("1Gi")).build()))
            .build());
    return job;
  }

  static ModelServer server(String name) {
    ModelServer server = new ModelServer();
    server.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("models").build());
    return server;
  }
}
