package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * The fit check's estimate for one server pod, in bytes: required = weights + kvCache + overhead.
 */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuMemory {

  @JsonPropertyDescription(
      "GPU memory the server needs: weightsBytes + kvCacheBytes + overheadBytes.")
  private Long requiredBytes;

  @JsonPropertyDescription(
      "GPU memory the runtime may use on resources.gpus GPUs (their memory times the share "
          + "the runtime takes by default); absent when the GPUs' memory is unknown.")
  private Long availableBytes;

  @JsonPropertyDescription("The model's weights (the Download's status.model.weightsBytes).")
  private Long weightsBytes;

  @JsonPropertyDescription(
      "KV cache for one sequence of contextLength tokens: 2 x layers x keyValueHeads x headDim "
          + "x bytes per element x contextLength.")
  private Long kvCacheBytes;

  @JsonPropertyDescription(
      "The runtime's own use per GPU (CUDA context, activations, graphs), times the GPUs.")
  private Long overheadBytes;

  @JsonPropertyDescription(
      "Context length the KV cache is sized for: from spec.args, else the model's.")
  private Long contextLength;
}
