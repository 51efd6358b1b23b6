package dev.llmfleet.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.DatasetFormat;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The trainer configuration of each method against a golden file in src/test/resources/golden/.
 * After an intended change, rerun with -Dgolden.update=true and review the diff.
 */
class TrainerConfigTest {

  static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

  @Test
  void loraOnAlpacaRecords() throws IOException {
    assertGolden(
        "finetune-lora.yaml", TrainerConfig.render(FineTuneJobs.job(FineTuneMethod.LORA), 1));
  }

  @Test
  void qloraOnShareGptConversationsReadAsChatTemplate() throws IOException {
    FineTuneJob job = FineTuneJobs.job(FineTuneMethod.QLORA);
    job.getSpec().getDataset().setFormat(DatasetFormat.SHAREGPT);
    job.getSpec().getHyperparameters().setTargetModules(null);

    assertGolden("finetune-qlora.yaml", TrainerConfig.render(job, 2));
  }

  @Test
  void fullFineTuneOfAFolderOfChatRecordsHasNoLoraKeys() throws IOException {
    FineTuneJob job = FineTuneJobs.job(FineTuneMethod.FULL);
    job.getSpec().getDataset().setFile(null);
    job.getSpec().getDataset().setFormat(DatasetFormat.CHAT_TEMPLATE);
    job.getSpec().getHyperparameters().setLearningRate(0.00001);
    job.getSpec().getOutput().getStorage().setSubPath("full/qwen-support");

    assertGolden("finetune-full.yaml", TrainerConfig.render(job, 3));
  }

  @Test
  void sameRunRendersTheSameBytes() {
    FineTuneJob job = FineTuneJobs.job(FineTuneMethod.LORA);

    assertThat(TrainerConfig.render(job, 1))
        .isEqualTo(TrainerConfig.render(FineTuneJobs.job(FineTuneMethod.LORA), 1))
        .isNotEqualTo(TrainerConfig.render(job, 2));
  }

  static void assertGolden(String name, String actual) throws IOException {
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(file, actual);
    }
    assertThat(actual)
        .as("golden file %s (rerun with -Dgolden.update=true after an intended change)", file)
        .isEqualTo(Files.readString(file));
  }
}
