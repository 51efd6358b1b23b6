package dev.llmfleet.modelserver.runtimes;

import dev.llmfleet.api.v1alpha1.AutoscalingMetric;
import java.util.List;
import java.util.Map;

/**
 * Where a runtime reports its load, and under which Prometheus names: each metric maps to the names
 * tried in order (a runtime may have renamed one across versions); the first one present on a page
 * is used.
 *
 * @param path HTTP path of the Prometheus text page, on the server's own port
 * @param names for each metric the runtime exposes, the sample names it may go by
 */
public record LoadMetrics(String path, Map<AutoscalingMetric, List<String>> names) {

  public LoadMetrics {
    names = Map.copyOf(names);
  }

  /** The names of {@code metric} on this runtime, empty when it does not expose it. */
  public List<String> namesOf(AutoscalingMetric metric) {
    return names.getOrDefault(metric, List.of());
  }
}
