package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** What the autoscaler last measured and decided. Written only when one of these values changes. */
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AutoscalingStatus {

  @JsonPropertyDescription(
      "spec.autoscaling.metric, and the name it has on this runtime's metrics page.")
  private String metric;

  @JsonPropertyDescription(
      "Average of the metric per scraped ready pod, rounded (counts to 0.1, kvCache to 0.01); "
          + "absent while no pod could be scraped.")
  private Double observed;

  @JsonPropertyDescription(
      "Replicas the autoscaler set on the Deployment (after tolerance, stabilization and "
          + "min/max).")
  private Integer desiredReplicas;

  @JsonPropertyDescription("Ready pods whose metrics page was read at the last scrape.")
  private Integer podsScraped;

  @JsonPropertyDescription(
      "Ready pods whose metrics page could not be read or lacked the metric; left out.")
  private Integer podsFailed;

  @JsonPropertyDescription("When the autoscaler last changed the replica count.")
  private String lastScaleTime;

  @JsonPropertyDescription(
      "The last decision in words, including that spec.replicas is ignored while "
          + "spec.autoscaling is set, and why pods could not be scraped.")
  private String message;
}
