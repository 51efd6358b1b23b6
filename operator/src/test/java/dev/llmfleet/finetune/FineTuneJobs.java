package dev.llmfleet.finetune;

import dev.llmfleet.api.v1alpha1.BaseModel;
import dev.llmfleet.api.v1alpha1.Dataset;
import dev.llmfleet.api.v1alpha1.DatasetFormat;
import dev.llmfleet.api.v1alpha1.FineTuneGc;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobSpec;
import dev.llmfleet.api.v1alpha1.FineTuneMethod;
import dev.llmfleet.api.v1alpha1.FineTuneOutput;
import dev.llmfleet.api.v1alpha1.Hyperparameters;
import dev.llmfleet.api.v1alpha1.common.AccessMode;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;

/** FineTuneJobs for unit tests, with every default the CRD schema would apply. */
final class FineTuneJobs {

  static final OperatorConfig CONFIG =
      OperatorConfig.fromEnvironment(Map.of("LLMFLEET_IMAGE", "llmfleet:test"));
  static final FineTuneInputs INPUTS =
      new FineTuneInputs(
          new FineTuneInputs.Location("models", "qwen2.5-7b", AccessMode.ReadWriteOnce),
          new FineTuneInputs.Location("datasets", "tickets", AccessMode.ReadWriteMany),
          List.of());

  private FineTuneJobs() {}

  static FineTuneJob job(FineTuneMethod method) {
    FineTuneJob job = new FineTuneJob();
    job.setMetadata(
        new ObjectMetaBuilder()
            .withName("support-lora")
            .withNamespace("models")
            .withUid("uid-1")
            .withGeneration(1L)
            .build());
    job.setSpec(
        FineTuneJobSpec.builder()
            .baseModel(new BaseModel(new LocalRef("qwen2-5-7b")))
            .dataset(
                Dataset.builder()
                    .downloadRef(new LocalRef("support-tickets"))
                    .file("train.jsonl")
                    .format(DatasetFormat.ALPACA)
                    .build())
            .method(method)
            .hyperparameters(
                Hyperparameters.builder()
                    .epochs(3)
                    .learningRate(0.0002)
                    .batchSize(4)
                    .gradientAccumulationSteps(1)
                    .maxSeqLength(2048)
                    .loraRank(16)
                    .loraAlpha(32)
                    .loraDropout(0.05)
                    .targetModules(List.of("q_proj", "v_proj"))
                    .build())
            .resources(Resources.builder().gpus(1).gpuType("NVIDIA-A100-SXM4-80GB").build())
            .output(new FineTuneOutput(Storage.builder().existingClaim("adapters").build()))
            .backoffLimit(2)
            .gc(
                FineTuneGc.builder()
                    .ttlSecondsAfterFailure(3600)
                    .keepFailedRuns(1)
                    .deletePartialOutput(true)
                    .build())
            .build());
    return job;
  }
}
