package dev.llmfleet.common;

import dev.llmfleet.common.names.ObjectNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The app.kubernetes.io labels every object created by the operator carries. */
public final class Labels {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** The run number on a run's Job and pods (Downloads, FineTuneJobs). */
  public static final String RUN = "llmfleet.dev/run";

  public static final String APP_NAME = "llmfleet";
  public static final String MANAGER = "llmfleet-operator";

  /** Selects the run Jobs of every kind: the namespace cap on failed Jobs counts them all. */
  public static final String RUN_JOBS = MANAGED_BY + "=" + MANAGER + "," + RUN;

  private Labels() {}

  /**
   * Labels that select the objects of one component of one resource; stable, so usable as a
   * selector.
   */
  public static Map<String, String> selector(HasMetadata owner, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, APP_NAME);
    labels.put(INSTANCE, instance(owner));
    labels.put(COMPONENT, component);
    return labels;
  }

  /**
   * The instance label's value: the resource's name, or for a name longer than a label value may
   * be, its cut and hashed form ({@link ObjectNames#labelValue}).
   */
  public static String instance(HasMetadata owner) {
    return ObjectNames.labelValue(owner.getMetadata().getName());
  }

  /** The selector labels plus managed-by. */
  public static Map<String, String> of(HasMetadata owner, String component) {
    Map<String, String> labels = selector(owner, component);
    labels.put(MANAGED_BY, MANAGER);
    return labels;
  }

  /** A label selector in the string form the scale subresource and kubectl use. */
  public static String asSelectorString(Map<String, String> selector) {
    return selector.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
