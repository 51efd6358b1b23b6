package dev.llmfleet.e2e.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.BaseModel;
import dev.llmfleet.api.v1alpha1.Dataset;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobSpec;
import dev.llmfleet.api.v1alpha1.FineTuneOutput;
import dev.llmfleet.api.v1alpha1.Hyperparameters;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.SmallServer;
import dev.llmfleet.e2e.support.Statuses;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every name the API accepts gives working objects, the objects of different kinds never share a
 * name, and a Download or FineTuneJob whose objects the API server refuses says so in its status.
 */
@ExtendWith(LlmFleetExtension.class)
class OwnedNamesE2E {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final TestNamespace namespace;

  OwnedNamesE2E(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @Test
  void aDownloadAndAFineTuneJobOfOneNameEachGetTheirOwnJobAndSecret() {
    namespace
        .client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("hf")
                .withNamespace(namespace.name())
                .endMetadata()
                .addToStringData("token", "not-a-real-token")
                .build())
        .create();
    List<SecretEnv> secrets =
        List.of(
            SecretEnv.builder()
                .name("HF_TOKEN")
                .secretKeyRef(new SecretKeyRef("hf", "token"))
                .build());
    verifiedDownload("base");
    verifiedDownload("tickets");
    Download download = SmallDownload.of(namespace.name(), "support", "support");
    download.getSpec().setSecrets(secrets);
    namespace.client().resource(download).create();
    FineTuneJob job = fineTuneJob("support", "base", "tickets");
    job.getSpec().setSecrets(secrets);
    namespace.client().resource(job).create();

    Job downloadRun =
        await()
            .atMost(TIMEOUT)
            .until(() -> namespace.get("support-run-1", Job.class), j -> j != null);
    Job trainRun =
        await()
            .atMost(TIMEOUT)
            .until(() -> namespace.get("support-train-1", Job.class), j -> j != null);

    assertThat(controller(downloadRun).getKind()).isEqualTo("Download");
    assertThat(controller(trainRun).getKind()).isEqualTo("FineTuneJob");
    assertThat(
            controller(
                    await().atMost(TIMEOUT).until(secret("support-download-env"), s -> s != null))
                .getKind())
        .isEqualTo("Download");
    assertThat(
            controller(
                    await().atMost(TIMEOUT).until(secret("support-fine-tune-env"), s -> s != null))
                .getKind())
        .isEqualTo("FineTuneJob");
    assertThat(namespace.get("support-secrets", Secret.class))
        .as("the name a ModelServer support would use")
        .isNull();
    assertThat(namespace.get("support", FineTuneJob.class).getStatus().getRuns())
        .singleElement()
        .satisfies(run -> assertThat(run.getName()).isEqualTo("support-train-1"));
  }

  @Test
  void aModelServerWithADotInItsNameIsServedByAValidServiceThatItsEndpointNames() {
    namespace.client().resource(SmallServer.named(namespace.name(), "llama3.1-8b")).create();

    ModelServer server =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> namespace.get("llama3.1-8b", ModelServer.class),
                s -> s.getStatus() != null && s.getStatus().getEndpoint() != null);
    List<Service> services =
        namespace.client().services().inNamespace(namespace.name()).list().getItems();

    assertThat(services)
        .singleElement()
        .satisfies(
            service -> {
              assertThat(service.getMetadata().getName())
                  .matches("[a-z]([-a-z0-9]*[a-z0-9])?")
                  .startsWith("llama3-1-8b-");
              assertThat(server.getStatus().getEndpoint())
                  .startsWith(
                      "http://"
                          + service.getMetadata().getName()
                          + "."
                          + namespace.name()
                          + ".svc.cluster.local:");
            });
    assertThat(namespace.get("llama3.1-8b", Deployment.class)).isNotNull();
  }

  @Test
  void aDownloadWithTheLongestNameRunsAndRetriesUnderValidNames() {
    String name = ("org.model-" + "x".repeat(60)).substring(0, 70);
    namespace.client().resource(SmallDownload.of(namespace.name(), name, "model.gguf")).create();

    Download download =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> namespace.get(name, Download.class),
                d ->
                    d.getStatus() != null
                        && d.getStatus().getRuns() != null
                        && !d.getStatus().getRuns().isEmpty());
    String run = download.getStatus().getRuns().get(0).getName();

    assertThat(run).hasSizeLessThanOrEqualTo(63).endsWith("-run-1");
    Job job = await().atMost(TIMEOUT).until(() -> namespace.get(run, Job.class), j -> j != null);
    assertThat(job.getMetadata().getLabels().get("app.kubernetes.io/instance"))
        .hasSizeLessThanOrEqualTo(63);
    DownloaderReports.verified(namespace, name, run);
    namespace.awaitPhase(name, DownloadPhase.Succeeded, TIMEOUT);
  }

  @Test
  void aDownloadWhoseJobIsRefusedSaysWhyInItsStatus() throws Exception {
    // The class's tests share the namespace: the quota goes when this test ends.
    try (AutoCloseable quota = quota("no-jobs", "count/jobs.batch")) {
      namespace
          .client()
          .resource(SmallDownload.of(namespace.name(), "refused", "model.gguf"))
          .create();

      await()
          .atMost(TIMEOUT)
          .untilAsserted(() -> assertApplyFailed(namespace.get("refused", Download.class)));
    }
  }

  @Test
  void aFineTuneJobWhoseRunIsRefusedSaysWhyInItsStatus() throws Exception {
    verifiedDownload("refused-base");
    verifiedDownload("refused-tickets");
    // Every namespace holds kube-root-ca.crt already: no ConfigMap more, so the run's trainer
    // configuration is refused.
    try (AutoCloseable quota = quota("no-config-maps", "configmaps")) {
      namespace
          .client()
          .resource(fineTuneJob("refused", "refused-base", "refused-tickets"))
          .create();

      await()
          .atMost(TIMEOUT)
          .untilAsserted(() -> assertApplyFailed(namespace.get("refused", FineTuneJob.class)));
    }
  }

  private static void assertApplyFailed(HasMetadata resource) {
    assertThat(Statuses.conditions(resource))
        .as("conditions")
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("ApplyFailed");
              assertThat(c.getMessage()).contains("exceeded quota");
            });
  }

  private AutoCloseable quota(String name, String resource) {
    var quota =
        namespace
            .client()
            .resource(
                new ResourceQuotaBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace.name())
                    .endMetadata()
                    .withNewSpec()
                    .addToHard(resource, new Quantity("0"))
                    .endSpec()
                    .build())
            .create();
    return () -> namespace.client().resource(quota).delete();
  }

  private void verifiedDownload(String name) {
    namespace.client().resource(SmallDownload.of(namespace.name(), name, name)).create();
    await().atMost(TIMEOUT).until(() -> namespace.get(name + "-run-1", Job.class), j -> j != null);
    DownloaderReports.verified(namespace, name, name + "-run-1");
    namespace.awaitPhase(name, DownloadPhase.Succeeded, TIMEOUT);
  }

  private FineTuneJob fineTuneJob(String name, String base, String data) {
    FineTuneJob job = new FineTuneJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace.name()).build());
    job.setSpec(
        FineTuneJobSpec.builder()
            .baseModel(new BaseModel(new LocalRef(base)))
            .dataset(Dataset.builder().downloadRef(new LocalRef(data)).file("train.jsonl").build())
            .resources(Resources.builder().gpus(1).build())
            .hyperparameters(
                Hyperparameters.builder().targetModules(List.of("q_proj", "v_proj")).build())
            .output(new FineTuneOutput(Storage.builder().size(new Quantity("1Gi")).build()))
            .build());
    return job;
  }

  private static OwnerReference controller(HasMetadata object) {
    return object.getMetadata().getOwnerReferences().stream()
        .filter(ref -> Boolean.TRUE.equals(ref.getController()))
        .findFirst()
        .orElseThrow();
  }

  private Callable<Secret> secret(String name) {
    return () -> namespace.get(name, Secret.class);
  }
}
