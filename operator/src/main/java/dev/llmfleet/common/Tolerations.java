package dev.llmfleet.common;

import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;

/** The spec's tolerations as pod tolerations. */
public final class Tolerations {

  private Tolerations() {}

  public static List<Toleration> of(List<dev.llmfleet.api.v1alpha1.common.Toleration> tolerations) {
    if (tolerations == null) {
      return List.of();
    }
    return tolerations.stream()
        .map(
            t ->
                new TolerationBuilder()
                    .withKey(t.getKey())
                    .withOperator(t.getOperator() == null ? null : t.getOperator().name())
                    .withValue(t.getValue())
                    .withEffect(t.getEffect() == null ? null : t.getEffect().name())
                    .withTolerationSeconds(t.getTolerationSeconds())
                    .build())
        .toList();
  }
}
