package dev.llmfleet.modelserver.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.Autoscaling;
import dev.llmfleet.api.v1alpha1.AutoscalingMetric;
import dev.llmfleet.modelserver.autoscaling.ScalingRule.Recommendation;
import dev.llmfleet.modelserver.autoscaling.ScalingRule.Result;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ScalingRuleTest {

  static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  static Autoscaling spec(int min, int max, double target, int up, int down) {
    return Autoscaling.builder()
        .minReplicas(min)
        .maxReplicas(max)
        .metric(AutoscalingMetric.WAITING)
        .targetPerReplica(target)
        .scaleUpStabilizationSeconds(up)
        .scaleDownStabilizationSeconds(down)
        .build();
  }

  static Result decide(Autoscaling spec, int current, int measured, double average) {
    return decide(spec, current, measured, average, List.of(), T0);
  }

  static Result decide(
      Autoscaling spec,
      int current,
      int measured,
      double average,
      List<Recommendation> history,
      Instant at) {
    return ScalingRule.decide(spec, current, measured, OptionalDouble.of(average), history, at);
  }

  /** A recommendation made {@code seconds} before T0. */
  static Recommendation ago(long seconds, int replicas) {
    return new Recommendation(T0.minusSeconds(seconds), replicas);
  }

  @Test
  void isHpasFormula() {
    assertThat(ScalingRule.recommend(2, 2, 3.0, 1.0)).isEqualTo(6);
    assertThat(ScalingRule.recommend(1, 1, 4.0, 3.0)).isEqualTo(2); // ceil(1.33)
    assertThat(ScalingRule.recommend(4, 4, 0.5, 1.0)).isEqualTo(2);
    assertThat(ScalingRule.recommend(3, 3, 0.0, 1.0)).isEqualTo(0);
    assertThat(ScalingRule.recommend(2, 2, 1.5, 1.5 / 1.5 * 1.0)).isEqualTo(3);
    // No rounding error pushes an exact product one replica up.
    assertThat(ScalingRule.recommend(3, 3, 0.7, 0.35)).isEqualTo(6);
    assertThat(ScalingRule.recommend(1, 10, 0.07, 0.7)).isEqualTo(1);
  }

  @Test
  void toleranceOfTenPercentKeepsTheCount() {
    assertThat(ScalingRule.recommend(3, 3, 1.1, 1.0)).isEqualTo(3);
    assertThat(ScalingRule.recommend(3, 3, 0.9, 1.0)).isEqualTo(3);
    assertThat(ScalingRule.recommend(3, 3, 1.11, 1.0)).isEqualTo(4);
    assertThat(ScalingRule.recommend(3, 3, 0.89, 1.0))
        .isEqualTo(3); // ceil(2.67): the formula, not the tolerance
    assertThat(ScalingRule.recommend(10, 10, 0.85, 1.0)).isEqualTo(9);
    // Within tolerance the current count stays even when fewer pods were measured.
    assertThat(ScalingRule.recommend(4, 2, 1.05, 1.0)).isEqualTo(4);
  }

  @Test
  void measuredPodsNotCurrentReplicasMultiplyTheAverage() {
    // 3 replicas set, 1 ready and measured with 4 waiting: ceil(1 x 4 / 1) = 4.
    assertThat(ScalingRule.recommend(3, 1, 4.0, 1.0)).isEqualTo(4);
  }

  @Test
  void boundedByMinAndMax() {
    Autoscaling spec = spec(2, 5, 1.0, 0, 0);

    assertThat(decide(spec, 2, 2, 10.0).replicas()).isEqualTo(5);
    assertThat(decide(spec, 2, 2, 10.0).reason()).contains("capped at maxReplicas 5");
    assertThat(decide(spec, 4, 4, 0.0).replicas()).isEqualTo(2);
    assertThat(decide(spec, 4, 4, 0.0).reason()).contains("raised to minReplicas 2");
    assertThat(decide(spec, 9, 9, 1.0).replicas()).isEqualTo(5);
  }

  @Test
  void withoutMeasurementsNothingChangesButTheBounds() {
    Autoscaling spec = spec(1, 4, 1.0, 0, 300);
    List<Recommendation> history = List.of(ago(10, 3));

    Result none = ScalingRule.decide(spec, 3, 0, OptionalDouble.empty(), history, T0);
    assertThat(none.replicas()).isEqualTo(3);
    assertThat(none.history()).isEqualTo(history);
    assertThat(none.reason()).contains("no ready pod could be measured");
    assertThat(ScalingRule.decide(spec, 6, 0, OptionalDouble.empty(), List.of(), T0).replicas())
        .isEqualTo(4);
  }

  @Test
  void scaleUpWithoutWindowIsImmediate() {
    Result result = decide(spec(1, 8, 1.0, 0, 300), 1, 1, 4.0);

    assertThat(result.replicas()).isEqualTo(4);
    assertThat(result.recommendation()).isEqualTo(4);
    assertThat(result.history()).containsExactly(new Recommendation(T0, 4));
  }

  @Test
  void scaleDownWaitsForTheHighestRecommendationOfItsWindowToAge() {
    Autoscaling spec = spec(1, 8, 1.0, 0, 60);
    List<Recommendation> history = new ArrayList<>();
    int current = 1;
    // Load of 4 waiting at t=0, then none from t=15 on, evaluated every 15 s.
    Instant t = T0;
    Result r = decide(spec, current, 1, 4.0, history, t);
    current = r.replicas();
    assertThat(current).isEqualTo(4);
    List<Integer> replicas = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      t = T0.plusSeconds(15L * i);
      r = decide(spec, current, current, 0.0, r.history(), t);
      current = r.replicas();
      replicas.add(current);
    }
    // The recommendation of 4 made at t=0 is inside the 60 s window until t=60 (exclusive): at t=60
    // it has aged out.
    assertThat(replicas).containsExactly(4, 4, 4, 1, 1, 1);
    Instant last = t;
    assertThat(r.history()).allSatisfy(rec -> assertThat(rec.at()).isAfter(last.minusSeconds(60)));
  }

  @Test
  void heldScaleDownSaysWhy() {
    Autoscaling spec = spec(1, 8, 1.0, 0, 300);
    List<Recommendation> history = List.of(ago(100, 3));

    Result result = decide(spec, 3, 3, 0.2, history, T0);

    assertThat(result.replicas()).isEqualTo(3);
    assertThat(result.recommendation()).isEqualTo(1);
    assertThat(result.reason())
        .isEqualTo("recommended 1, held at 3 by the scale-down window of 300 s");
  }

  @Test
  void scaleDownGoesOnlyAsLowAsTheHighestRecommendationInTheWindow() {
    Autoscaling spec = spec(1, 8, 1.0, 0, 300);
    List<Recommendation> history = List.of(ago(400, 6), ago(200, 3), ago(100, 2));

    Result result = decide(spec, 5, 5, 0.2, history, T0);

    assertThat(result.replicas()).isEqualTo(3);
    assertThat(result.history()).extracting(Recommendation::replicas).containsExactly(3, 2, 1);
  }

  @Test
  void scaleUpWindowTakesTheLowestRecommendation() {
    Autoscaling spec = spec(1, 8, 1.0, 30, 0);
    List<Recommendation> history = List.of(ago(20, 2), ago(10, 5));

    Result burst = decide(spec, 1, 1, 6.0, history, T0);
    assertThat(burst.replicas()).isEqualTo(2);
    assertThat(burst.reason()).isEqualTo("recommended 6, held at 2 by the scale-up window of 30 s");

    // Once the low one has aged out of the window, the lowest left wins.
    Result later = decide(spec, 2, 2, 3.0, burst.history(), T0.plusSeconds(15));
    assertThat(later.replicas()).isEqualTo(5);
  }

  @Test
  void aSpikeShorterThanTheUpWindowScalesNothing() {
    Autoscaling spec = spec(1, 8, 1.0, 60, 0);
    Result r = decide(spec, 2, 2, 1.0, List.of(), T0);
    r = decide(spec, 2, 2, 5.0, r.history(), T0.plusSeconds(15));
    assertThat(r.replicas()).isEqualTo(2);
    r = decide(spec, 2, 2, 1.0, r.history(), T0.plusSeconds(30));
    assertThat(r.replicas()).isEqualTo(2);
  }

  @Test
  void withinToleranceReasonAndNoChange() {
    Result result = decide(spec(1, 8, 2.0, 0, 300), 3, 3, 2.1);

    assertThat(result.replicas()).isEqualTo(3);
    assertThat(result.reason()).startsWith("within tolerance");
  }

  @Test
  void historyKeepsOnlyTheLongestWindow() {
    Autoscaling spec = spec(1, 8, 1.0, 10, 30);
    List<Recommendation> history = List.of(ago(31, 7), ago(29, 2));

    Result result = decide(spec, 2, 2, 1.0, history, T0);

    assertThat(result.history()).containsExactly(ago(29, 2), new Recommendation(T0, 2));
  }
}
