package dev.llmfleet.inpod.downloader.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What a Hugging Face config.json says about the model's shape. Multimodal models keep the language
 * model's settings in text_config, which is read when the top level lacks them.
 */
public record ModelConfig(
    String architecture,
    Long contextLength,
    Integer layers,
    Integer attentionHeads,
    Integer keyValueHeads,
    Integer headDim,
    Integer hiddenSize,
    String torchDtype,
    String quantization) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static ModelConfig parse(byte[] json) throws HeaderException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new HeaderException("config.json is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new HeaderException("config.json is not a JSON object");
    }
    JsonNode text =
        root.has("num_hidden_layers") || !root.path("text_config").isObject()
            ? root
            : root.get("text_config");
    JsonNode architectures = root.path("architectures");
    String architecture =
        architectures.isArray() && !architectures.isEmpty() && architectures.get(0).isTextual()
            ? architectures.get(0).asText()
            : null;
    Integer heads = integer(text, "num_attention_heads");
    Integer hidden = integer(text, "hidden_size");
    Integer kvHeads = integer(text, "num_key_value_heads");
    Integer headDim = integer(text, "head_dim");
    JsonNode dtype = root.has("torch_dtype") ? root.get("torch_dtype") : root.get("dtype");
    JsonNode quantization = root.path("quantization_config").path("quant_method");
    return new ModelConfig(
        architecture,
        text.path("max_position_embeddings").canConvertToLong()
            ? text.get("max_position_embeddings").asLong()
            : null,
        integer(text, "num_hidden_layers"),
        heads,
        kvHeads != null ? kvHeads : heads,
        headDim != null
            ? headDim
            : hidden != null && heads != null && heads > 0 ? hidden / heads : null,
        hidden,
        dtype != null && dtype.isTextual() ? dtype.asText() : null,
        quantization.isTextual() ? quantization.asText() : null);
  }

  private static Integer integer(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.canConvertToInt() && value.isIntegralNumber()
        ? value.asInt()
        : null;
  }
}
