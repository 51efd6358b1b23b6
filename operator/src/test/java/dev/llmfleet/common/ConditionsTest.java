package dev.llmfleet.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.common.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00.123Z");
  private static final Instant T1 = Instant.parse("2026-11-27T10:05:00Z");

  @Test
  void addsANewConditionWithSecondsPrecision() {
    List<Condition> conditions =
        Conditions.set(null, Conditions.READY, false, "WaitingForDownload", "waiting", 3, T0);

    assertThat(conditions).hasSize(1);
    Condition ready = conditions.get(0);
    assertThat(ready.getType()).isEqualTo("Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("WaitingForDownload");
    assertThat(ready.getMessage()).isEqualTo("waiting");
    assertThat(ready.getObservedGeneration()).isEqualTo(3L);
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-27T10:00:00Z");
  }

  @Test
  void keepsTheTransitionTimeWhenOnlyReasonOrMessageChange() {
    List<Condition> before = Conditions.set(null, Conditions.READY, false, "Pulling", "1%", 1, T0);

    List<Condition> after =
        Conditions.set(before, Conditions.READY, false, "Verifying", "checking sha256", 2, T1);

    Condition ready = Conditions.find(after, Conditions.READY).orElseThrow();
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(ready.getReason()).isEqualTo("Verifying");
    assertThat(ready.getMessage()).isEqualTo("checking sha256");
    assertThat(ready.getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void movesTheTransitionTimeWhenTheStatusFlips() {
    List<Condition> before = Conditions.set(null, Conditions.READY, false, "Pulling", "", 1, T0);

    List<Condition> after = Conditions.set(before, Conditions.READY, true, "Verified", "", 1, T1);

    assertThat(after.get(0).getStatus()).isEqualTo("True");
    assertThat(after.get(0).getLastTransitionTime()).isEqualTo("2026-11-27T10:05:00Z");
    assertThat(Conditions.isTrue(after, Conditions.READY)).isTrue();
  }

  @Test
  void keepsOrderAppendsNewTypesAndSetsObservedGenerationOnEach() {
    List<Condition> conditions = Conditions.set(null, Conditions.READY, false, "A", "", 1, T0);
    conditions = Conditions.set(conditions, Conditions.RECONCILING, true, "B", "", 1, T0);
    conditions = Conditions.set(conditions, Conditions.STALLED, false, "C", "", 1, T0);

    conditions = Conditions.set(conditions, Conditions.READY, false, "A", "", 4, T1);
    conditions = Conditions.set(conditions, Conditions.RECONCILING, false, "Done", "", 4, T1);
    conditions = Conditions.set(conditions, Conditions.STALLED, false, "C", "", 4, T1);

    assertThat(conditions)
        .extracting(Condition::getType)
        .containsExactly("Ready", "Reconciling", "Stalled");
    assertThat(conditions).extracting(Condition::getObservedGeneration).containsOnly(4L);
  }

  @Test
  void leavesTheInputUntouched() {
    Condition original =
        Condition.builder()
            .type("Ready")
            .status("False")
            .reason("Pulling")
            .message("1%")
            .observedGeneration(1L)
            .lastTransitionTime("2026-11-27T09:00:00Z")
            .build();
    List<Condition> input = List.of(original);
    Condition snapshot = original.toBuilder().build();

    List<Condition> result = Conditions.set(input, Conditions.READY, true, "Verified", "", 2, T1);

    assertThat(input).containsExactly(original);
    assertThat(original).isEqualTo(snapshot);
    assertThat(result.get(0)).isNotSameAs(original);
  }

  @Test
  void findsAndTestsConditions() {
    List<Condition> conditions = Conditions.set(null, Conditions.STALLED, true, "X", "", 1, T0);

    assertThat(Conditions.find(conditions, Conditions.READY)).isEmpty();
    assertThat(Conditions.isTrue(conditions, Conditions.STALLED)).isTrue();
    assertThat(Conditions.isTrue(conditions, Conditions.READY)).isFalse();
    assertThat(Conditions.isTrue(null, Conditions.READY)).isFalse();
  }
}
