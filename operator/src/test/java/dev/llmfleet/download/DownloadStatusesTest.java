package dev.llmfleet.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.common.Conditions;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DownloadStatusesTest {

  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  static final String REFUSED =
      "Failure executing: POST at: https://api/apis/batch/v1/namespaces/models/jobs. "
          + "Message: jobs \"qwen-run-1\" is forbidden: exceeded quota: no-jobs.";

  @Test
  void aFreshDownloadThatCannotBeAppliedSaysWhyInItsConditions() {
    Download download = DownloadRunsTest.download();

    DownloadStatus status = DownloadStatuses.applyFailed(download, REFUSED, NOW);

    assertThat(status.getPhase()).isEqualTo(DownloadPhase.Pending);
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(status.getConditions())
        .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
        .containsExactly(
            tuple("Ready", "False", "ApplyFailed"),
            tuple("Reconciling", "True", "ApplyFailed"),
            tuple("Stalled", "False", "ApplyFailed"));
    assertThat(status.getConditions().get(0).getMessage()).contains("exceeded quota: no-jobs");
  }

  @Test
  void itKeepsWhatWasKnownButNotTheDownloadersProgress() {
    Download download = DownloadRunsTest.download();
    download.setStatus(
        DownloadStatus.builder()
            .phase(DownloadPhase.Downloading)
            .attempts(2)
            .progress(DownloadProgress.builder().bytesDone(5L).build())
            .build());

    DownloadStatus status = DownloadStatuses.applyFailed(download, REFUSED, NOW);

    assertThat(status.getPhase()).isEqualTo(DownloadPhase.Downloading);
    assertThat(status.getAttempts()).isEqualTo(2);
    assertThat(status.getProgress()).as("owned by the downloader's field manager").isNull();
  }

  @Test
  void aFolderConflictIsStalledPendingAndSaysWhoKeepsTheFolder() {
    Download download = DownloadRunsTest.download();

    DownloadStatus status =
        DownloadStatuses.folderConflict(
            download, "folder qwen of claim models is written by " + "Download other", NOW);

    assertThat(status.getPhase()).isEqualTo(DownloadPhase.Pending);
    assertThat(status.getRuns()).isNull();
    assertThat(Conditions.find(status.getConditions(), Conditions.STALLED))
        .hasValueSatisfying(
            stalled -> {
              assertThat(stalled.getStatus()).isEqualTo("True");
              assertThat(stalled.getReason()).isEqualTo("FolderConflict");
              assertThat(stalled.getMessage()).contains("Download other");
            });
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.READY)).isFalse();
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.RECONCILING)).isFalse();
    assertThat(status.getPath()).isEqualTo("qwen");
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
  }
}
