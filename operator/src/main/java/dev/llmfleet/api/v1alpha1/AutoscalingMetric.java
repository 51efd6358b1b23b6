package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The load signal a ModelServer is autoscaled on, as each server reports it on its Prometheus
 * endpoint.
 */
public enum AutoscalingMetric {
  /** Requests being processed (in a batch) right now. */
  @JsonProperty("running")
  RUNNING,
  /** Requests queued, waiting for a free slot or batch place. */
  @JsonProperty("waiting")
  WAITING,
  /** Share of the KV cache in use, 0 to 1. */
  @JsonProperty("kvCache")
  KV_CACHE;

  /** The spelling in the API, for messages. */
  public String apiName() {
    return switch (this) {
      case RUNNING -> "running";
      case WAITING -> "waiting";
      case KV_CACHE -> "kvCache";
    };
  }
}
