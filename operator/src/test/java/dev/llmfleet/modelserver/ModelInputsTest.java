package dev.llmfleet.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.Adapter;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJobStatus;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelInputsTest {

  @Test
  void aDownloadStillRunningIsWaitedForAndAFailedOneIsNot() {
    ModelServer server = server(List.of());

    ModelInputs running =
        ModelInputs.resolve(server, download(DownloadPhase.Downloading), Map.of());
    ModelInputs failed = ModelInputs.resolve(server, download(DownloadPhase.Failed), Map.of());
    ModelInputs missing = ModelInputs.resolve(server, null, Map.of());

    assertThat(running.ready()).isFalse();
    assertThat(running.inputFailed()).isFalse();
    assertThat(failed.inputFailed()).isTrue();
    assertThat(failed.waitMessage())
        .isEqualTo("Download qwen is Failed; the server starts once it is Succeeded");
    assertThat(missing.inputFailed()).isFalse();
  }

  @Test
  void aFailedAdapterJobIsNamedAsFailed() {
    ModelServer server = server(List.of(new Adapter("support", new LocalRef("support-lora"))));
    FineTuneJob job = new FineTuneJob();
    job.setMetadata(metadata("support-lora"));
    job.setStatus(FineTuneJobStatus.builder().phase(FineTuneJobPhase.Failed).build());

    ModelInputs inputs = ModelInputs.resolve(server, null, Map.of("support-lora", job));

    assertThat(inputs.waitReason()).isEqualTo(ModelInputs.WAITING_FOR_FINE_TUNE_JOB);
    assertThat(inputs.inputFailed()).isTrue();
    assertThat(inputs.waitMessage())
        .isEqualTo("FineTuneJob support-lora of adapter support has Failed");
  }

  private static ModelServer server(List<Adapter> adapters) {
    ModelServer server = new ModelServer();
    server.setMetadata(metadata("chat"));
    ModelSource model =
        adapters.isEmpty()
            ? ModelSource.builder().downloadRef(new LocalRef("qwen")).build()
            : ModelSource.builder().uri("hf://org/model").build();
    server.setSpec(ModelServerSpec.builder().model(model).adapters(adapters).build());
    return server;
  }

  private static ObjectMeta metadata(String name) {
    return new ObjectMetaBuilder().withName(name).withNamespace("models").build();
  }

  private static Download download(DownloadPhase phase) {
    Download download = new Download();
    download.setMetadata(metadata("qwen"));
    download.setStatus(DownloadStatus.builder().phase(phase).build());
    return download;
  }
}
