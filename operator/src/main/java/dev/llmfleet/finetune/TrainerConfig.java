package dev.llmfleet.finetune;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.llmfleet.api.v1alpha1.Dataset;
import dev.llmfleet.api.v1alpha1.DatasetFormat;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneMethod;
import dev.llmfleet.api.v1alpha1.Hyperparameters;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer's (axolotl's) configuration for one run, as YAML text: a pure function of the spec
 * and the attempt, with keys in a fixed order so that the same run always renders the same bytes.
 * Paths are where the run's Job mounts the inputs and the output ({@link FineTuneResources}).
 */
public final class TrainerConfig {

  /** The file name inside the ConfigMap and inside {@link FineTuneResources#CONFIG_MOUNT}. */
  public static final String FILE = "config.yaml";

  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          // 0.0002, not 2.0E-4: YAML 1.1 readers (PyYAML) take an exponent without a sign for a
          // string.
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private TrainerConfig() {}

  public static String render(FineTuneJob job, int attempt) {
    var spec = job.getSpec();
    Hyperparameters hp = spec.getHyperparameters();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("base_model", FineTuneResources.MODEL_MOUNT);
    config.put("datasets", List.of(dataset(spec.getDataset())));
    // axolotl's default is a folder relative to its working directory, which is read-only here.
    config.put("dataset_prepared_path", FineTuneResources.SCRATCH_MOUNT + "/prepared");
    if (spec.getMethod() != FineTuneMethod.FULL) {
      config.put("adapter", spec.getMethod() == FineTuneMethod.QLORA ? "qlora" : "lora");
      if (spec.getMethod() == FineTuneMethod.QLORA) {
        config.put("load_in_4bit", true);
      }
      putIfSet(config, "lora_r", hp.getLoraRank());
      putIfSet(config, "lora_alpha", hp.getLoraAlpha());
      putIfSet(config, "lora_dropout", decimal(hp.getLoraDropout()));
      putIfSet(config, "lora_target_modules", hp.getTargetModules());
    }
    putIfSet(config, "num_epochs", hp.getEpochs());
    putIfSet(config, "learning_rate", decimal(hp.getLearningRate()));
    putIfSet(config, "micro_batch_size", hp.getBatchSize());
    putIfSet(config, "gradient_accumulation_steps", hp.getGradientAccumulationSteps());
    putIfSet(config, "sequence_len", hp.getMaxSeqLength());
    config.put("output_dir", FineTuneResources.runDirectory(job, attempt));
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the trainer configuration", e);
    }
  }

  private static Map<String, Object> dataset(Dataset dataset) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put(
        "path",
        dataset.getFile() == null
            ? FineTuneResources.DATA_MOUNT
            : FineTuneResources.DATA_MOUNT + "/" + dataset.getFile());
    DatasetFormat format = dataset.getFormat() == null ? DatasetFormat.ALPACA : dataset.getFormat();
    switch (format) {
      case ALPACA -> entry.put("type", "alpaca");
      case COMPLETION -> entry.put("type", "completion");
      case CHAT_TEMPLATE -> entry.put("type", "chat_template");
      case SHAREGPT -> {
        // axolotl refuses `type: sharegpt` now; the same records are read as chat_template with
        // ShareGPT's names.
        entry.put("type", "chat_template");
        entry.put("field_messages", "conversations");
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("role", "from");
        properties.put("content", "value");
        entry.put("message_property_mappings", properties);
        Map<String, List<String>> roles = new LinkedHashMap<>();
        roles.put("system", List.of("system"));
        roles.put("user", List.of("human", "user"));
        roles.put("assistant", List.of("gpt", "assistant"));
        entry.put("roles", roles);
      }
    }
    return entry;
  }

  private static BigDecimal decimal(Double value) {
    return value == null ? null : BigDecimal.valueOf(value).stripTrailingZeros();
  }

  private static void putIfSet(Map<String, Object> config, String key, Object value) {
    if (value != null) {
      config.put(key, value);
    }
  }
}
