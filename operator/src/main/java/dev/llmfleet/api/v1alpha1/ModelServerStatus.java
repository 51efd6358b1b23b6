package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.llmfleet.api.v1alpha1.common.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelServerStatus {

  @JsonPropertyDescription("Pending, WaitingForModel, Starting, Ready, Degraded or Failed.")
  private ModelServerPhase phase;

  @JsonPropertyDescription("Server pods that exist.")
  @StatusReplicas
  private Integer replicas;

  @JsonPropertyDescription("Server pods that answer their readiness probe.")
  private Integer readyReplicas;

  @JsonPropertyDescription("readyReplicas/replicas, for kubectl get.")
  private String readiness;

  @JsonPropertyDescription("What is served, for kubectl get: the Download's name or the model URI.")
  private String model;

  @JsonPropertyDescription("Label selector of the server pods, for the scale subresource and HPAs.")
  @LabelSelector
  private String selector;

  @JsonPropertyDescription("OpenAI-compatible base URL inside the cluster.")
  private String endpoint;

  @JsonPropertyDescription(
      "The fit check's estimate of the GPU memory one server pod needs, and what its GPUs hold.")
  private GpuMemory gpuMemory;

  @JsonPropertyDescription(
      "The autoscaler's last measurement and decision; present while spec.autoscaling is set.")
  private AutoscalingStatus autoscaling;

  @JsonPropertyDescription(
      "kstatus conditions: Ready, Reconciling, Stalled, ModelAvailable, Scheduled.")
  private List<Condition> conditions;

  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;
}
