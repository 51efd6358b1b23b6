package dev.llmfleet.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJobStatus;
import dev.llmfleet.api.v1alpha1.FineTuneMethod;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.common.Conditions;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FineTuneJobStatusesTest {

  @Test
  void aFineTuneJobThatCannotBeAppliedSaysWhyInItsConditions() {
    FineTuneJob job = FineTuneJobs.job(FineTuneMethod.LORA);

    FineTuneJobStatus status =
        FineTuneJobStatuses.applyFailed(
            job,
            "configmaps \"support-lora-train-1\" is forbidden: exceeded quota: no-config-maps",
            Instant.EPOCH);

    assertThat(status.getPhase()).isEqualTo(FineTuneJobPhase.Pending);
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(status.getConditions())
        .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
        .containsExactly(
            tuple("Ready", "False", "ApplyFailed"),
            tuple("Reconciling", "True", "ApplyFailed"),
            tuple("Stalled", "False", "ApplyFailed"));
    assertThat(status.getConditions().get(0).getMessage())
        .contains("exceeded quota: no-config-maps");
  }

  @Test
  void aFolderConflictIsStalledPendingAndSaysWhoKeepsTheFolder() {
    FineTuneJobStatus status =
        FineTuneJobStatuses.folderConflict(
            FineTuneJobs.job(FineTuneMethod.LORA),
            "folder adapters of claim models is written by Download qwen",
            Instant.parse("2026-12-01T12:00:00Z"));

    assertThat(status.getPhase()).isEqualTo(FineTuneJobPhase.Pending);
    assertThat(status.getRuns()).isNull();
    assertThat(Conditions.find(status.getConditions(), Conditions.STALLED))
        .hasValueSatisfying(
            stalled -> {
              assertThat(stalled.getStatus()).isEqualTo("True");
              assertThat(stalled.getReason()).isEqualTo("FolderConflict");
              assertThat(stalled.getMessage()).contains("Download qwen");
            });
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.READY)).isFalse();
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.RECONCILING)).isFalse();
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
  }
}
