package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Where pods run: GPUs, GPU model, CPU and memory. */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Resources {

  @JsonPropertyDescription(
      "Number of GPUs per pod, 0 to 64. Requested as a limit on the operator's GPU resource "
          + "(LLMFLEET_GPU_RESOURCE, default nvidia.com/gpu); pods that request GPUs tolerate the GPU taint.")
  @Default("1")
  @Min(0)
  @Max(64)
  private Integer gpus;

  @JsonPropertyDescription(
      "GPU model the pods must run on, matched against the node label LLMFLEET_GPU_PRODUCT_LABEL "
          + "(default nvidia.com/gpu.product), for example NVIDIA-H100-80GB-HBM3. Unset: any GPU node.")
  @Pattern("^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
  private String gpuType;

  @JsonPropertyDescription(
      "CPU request and limit per pod, a Kubernetes quantity such as \"4\" or \"500m\".")
  @ValidationRule(
      value = Quantities.IS_QUANTITY,
      message = "resources.cpu must be a Kubernetes quantity such as \"4\" or \"500m\"")
  private Quantity cpu;

  @JsonPropertyDescription(
      "Memory request and limit per pod, a Kubernetes quantity such as \"32Gi\".")
  @ValidationRule(
      value = Quantities.IS_QUANTITY,
      message = "resources.memory must be a Kubernetes quantity such as \"32Gi\"")
  private Quantity memory;
}
