package dev.llmfleet.modelserver.autoscaling;

import dev.llmfleet.api.v1alpha1.Autoscaling;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The HorizontalPodAutoscaler's rule, as a pure function: replicas = ceil(measured pods x average
 * per pod / target), kept as they are while the average is within {@link #TOLERANCE} of the target;
 * then stabilized over the windows of spec.autoscaling the way HPA's behavior does it (a scale-down
 * goes only as low as the highest recommendation in its window, a scale-up only as high as the
 * lowest in its window), then bounded by min and max.
 */
public final class ScalingRule {

  /** HPA's default: no change while the average is within 10% of the target. */
  public static final double TOLERANCE = 0.1;

  /** A raw recommendation of one evaluation, before stabilization, kept for the windows. */
  public record Recommendation(Instant at, int replicas) {}

  /**
   * @param replicas the replica count to set
   * @param recommendation the raw recommendation of this evaluation (before stabilization and
   *     bounds)
   * @param history the recommendations to keep for the next evaluation
   * @param reason the decision in words
   */
  public record Result(
      int replicas, int recommendation, List<Recommendation> history, String reason) {}

  private ScalingRule() {}

  /**
   * @param spec spec.autoscaling, with its schema defaults
   * @param current the replica count set now
   * @param measured ready pods whose metric was read
   * @param average the metric's average over those pods; empty when none was read
   * @param history the recommendations of earlier evaluations
   */
  public static Result decide(
      Autoscaling spec,
      int current,
      int measured,
      OptionalDouble average,
      List<Recommendation> history,
      Instant now) {
    int min = spec.getMinReplicas() == null ? 1 : spec.getMinReplicas();
    int max = spec.getMaxReplicas();
    double target = spec.getTargetPerReplica();
    if (measured == 0 || average.isEmpty()) {
      // Like HPA when it cannot get metrics: no recommendation, nothing changes but the bounds.
      int held = clamp(current, min, max);
      return new Result(
          held,
          held,
          prune(history, spec, now),
          held == current
              ? "no ready pod could be measured: holding " + current + " replicas"
              : "no ready pod could be measured: "
                  + current
                  + " replicas brought within min/max to "
                  + held);
    }
    int raw = recommend(current, measured, average.getAsDouble(), target);

    int upWindowLowest = raw;
    int downWindowHighest = raw;
    Instant upSince = now.minusSeconds(seconds(spec.getScaleUpStabilizationSeconds(), 0));
    Instant downSince = now.minusSeconds(seconds(spec.getScaleDownStabilizationSeconds(), 300));
    for (Recommendation r : history) {
      if (r.at().isAfter(upSince)) {
        upWindowLowest = Math.min(upWindowLowest, r.replicas());
      }
      if (r.at().isAfter(downSince)) {
        downWindowHighest = Math.max(downWindowHighest, r.replicas());
      }
    }
    int stabilized = current;
    if (stabilized < upWindowLowest) {
      stabilized = upWindowLowest;
    }
    if (stabilized > downWindowHighest) {
      stabilized = downWindowHighest;
    }
    int replicas = clamp(stabilized, min, max);

    List<Recommendation> kept = new ArrayList<>(prune(history, spec, now));
    kept.add(new Recommendation(now, raw));
    return new Result(
        replicas, raw, List.copyOf(kept), reason(current, raw, stabilized, replicas, spec));
  }

  /** ceil(measured x average / target), or {@code current} within the tolerance. */
  public static int recommend(int current, int measured, double average, double target) {
    double ratio = average / target;
    // The epsilon keeps 1.1 (|1.1 - 1| is 0.10000000000000009 in doubles) within the tolerance, as
    // it reads.
    if (Math.abs(ratio - 1.0) <= TOLERANCE + 1e-9) {
      return current;
    }
    // The epsilon keeps 2 x 1.5 / 1.5 from becoming 3 through rounding error.
    return (int) Math.min(Integer.MAX_VALUE, Math.ceil(measured * average / target - 1e-9));
  }

  private static String reason(
      int current, int raw, int stabilized, int replicas, Autoscaling spec) {
    if (replicas != stabilized) {
      return replicas > stabilized
          ? "recommended " + stabilized + ", raised to minReplicas " + replicas
          : "recommended " + stabilized + ", capped at maxReplicas " + replicas;
    }
    if (stabilized != raw) {
      return raw < current
          ? "recommended "
              + raw
              + ", held at "
              + stabilized
              + " by the scale-down window of "
              + seconds(spec.getScaleDownStabilizationSeconds(), 300)
              + " s"
          : "recommended "
              + raw
              + ", held at "
              + stabilized
              + " by the scale-up window of "
              + seconds(spec.getScaleUpStabilizationSeconds(), 0)
              + " s";
    }
    return raw == current
        ? "within tolerance or at target: " + current + " replicas"
        : "recommended " + raw;
  }

  private static List<Recommendation> prune(
      List<Recommendation> history, Autoscaling spec, Instant now) {
    long longest =
        Math.max(
            seconds(spec.getScaleUpStabilizationSeconds(), 0),
            seconds(spec.getScaleDownStabilizationSeconds(), 300));
    Instant since = now.minus(Duration.ofSeconds(longest));
    return history.stream().filter(r -> r.at().isAfter(since)).toList();
  }

  private static long seconds(Integer value, int defaultValue) {
    return value == null ? defaultValue : value;
  }

  private static int clamp(int value, int min, int max) {
    return Math.max(min, Math.min(max, value));
  }
}
