package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * Scaling of a ModelServer on its servers' own load metrics, by the rule of the
 * HorizontalPodAutoscaler.
 */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.minReplicas <= self.maxReplicas",
    message = "autoscaling.minReplicas must not be greater than autoscaling.maxReplicas")
@ValidationRule(
    value = "self.metric != 'kvCache' || self.targetPerReplica <= 1.0",
    message =
        "autoscaling.targetPerReplica is a share of the KV cache (0 < target <= 1) with metric kvCache, "
            + "for example 0.7")
public class Autoscaling {

  @JsonPropertyDescription(
      "Fewest server pods, 1 to 64; the autoscaler never goes below (it needs a pod to measure).")
  @Default("1")
  @Min(1)
  @Max(64)
  private Integer minReplicas;

  @JsonPropertyDescription("Most server pods, 1 to 64.")
  @Required
  @Min(1)
  @Max(64)
  private Integer maxReplicas;

  @JsonPropertyDescription(
      "Load signal per ready pod: running (requests being processed), waiting (requests "
          + "queued) or kvCache (share of the KV cache in use, 0 to 1).")
  @Required
  private AutoscalingMetric metric;

  @JsonPropertyDescription(
      "Value of the metric per ready pod to aim for, greater than 0; with kvCache a share, "
          + "at most 1. Replicas = ceil(ready pods x average per pod / target), unchanged within 10% of the target.")
  @Required
  @Min(value = 0, inclusive = false)
  private Double targetPerReplica;

  @JsonPropertyDescription(
      "Seconds, 0 to 3600: a scale-up goes only as high as the lowest recommendation of this "
          + "window (0: at once).")
  @Default("0")
  @Min(0)
  @Max(3600)
  private Integer scaleUpStabilizationSeconds;

  @JsonPropertyDescription(
      "Seconds, 0 to 3600: a scale-down goes only as low as the highest recommendation of "
          + "this window, so a short lull does not remove pods.")
  @Default("300")
  @Min(0)
  @Max(3600)
  private Integer scaleDownStabilizationSeconds;
}
