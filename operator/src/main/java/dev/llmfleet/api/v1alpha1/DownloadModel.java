package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * What a Download's files hold, read by the downloader from the files' own headers once every file
 * is verified. Written together with the last progress report, under the downloader's field
 * manager.
 */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DownloadModel {

  @JsonPropertyDescription("Weights format: safetensors or gguf.")
  private ModelFormat format;

  @JsonPropertyDescription(
      "config.json architectures[0] (e.g. Qwen2ForCausalLM), or GGUF general.architecture "
          + "(e.g. llama).")
  private String architecture;

  @JsonPropertyDescription("Exact number of parameters, summed from the tensor shapes.")
  private Long parameters;

  @JsonPropertyDescription("parameters rounded for kubectl get, e.g. 494M or 7.6B.")
  private String parametersRounded;

  @JsonPropertyDescription(
      "Weights type: the safetensors dtype (e.g. bfloat16), or the GGUF file type (e.g. "
          + "Q4_K_M), else its most common tensor type.")
  private String dtype;

  @JsonPropertyDescription(
      "Longest context the model was trained for, in tokens: config.json "
          + "max_position_embeddings or GGUF <arch>.context_length.")
  private Long contextLength;

  @JsonPropertyDescription("Transformer layers (blocks).")
  private Integer layers;

  @JsonPropertyDescription("Attention (query) heads per layer.")
  private Integer attentionHeads;

  @JsonPropertyDescription(
      "Key/value heads per layer (fewer than attentionHeads with grouped-query attention).")
  private Integer keyValueHeads;

  @JsonPropertyDescription("Size of one attention head.")
  private Integer headDim;

  @JsonPropertyDescription("Width of the hidden state (embedding length).")
  private Integer hiddenSize;

  @JsonPropertyDescription(
      "Bytes of tensor data in the weight files, which a server loads into (GPU) memory.")
  private Long weightsBytes;
}
