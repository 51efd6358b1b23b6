package dev.llmfleet.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.common.FolderWriters.Writer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FolderWritersTest {

  private static final Writer QWEN =
      new Writer("Download", "qwen", "2026-12-01T10:00:00Z", "models", "qwen", true);
  private static final Writer LATER_QWEN =
      new Writer("Download", "qwen-again", "2026-12-01T11:00:00Z", "models", "qwen", false);

  @Test
  void theNewerOfTwoWritersIntoOneFolderIsRefusedAndTheOlderNamed() {
    List<Writer> all = List.of(QWEN, LATER_QWEN);

    assertThat(FolderWriters.keeperOtherThan(LATER_QWEN, all)).contains(QWEN);
    assertThat(FolderWriters.keeperOtherThan(QWEN, all)).isEmpty();
    assertThat(FolderWriters.conflictMessage(LATER_QWEN, QWEN))
        .isEqualTo(
            "folder qwen of claim models is written "
                + "by Download qwen (it has started writing); set another storage.subPath or claim, or delete Download qwen");
  }

  @Test
  void aFolderInsideAnothersConflictsAcrossKinds() {
    Writer adapter =
        new Writer("FineTuneJob", "lora", "2026-12-01T12:00:00Z", "models", "qwen/lora", false);

    assertThat(FolderWriters.keeperOtherThan(adapter, List.of(QWEN, adapter))).contains(QWEN);
    assertThat(FolderWriters.conflictMessage(adapter, QWEN)).contains("into folder qwen;");
  }

  @Test
  void otherClaimsAndSiblingFoldersDoNotConflict() {
    Writer otherClaim = new Writer("Download", "b", "2026-12-01T12:00:00Z", "other", "qwen", false);
    // A shared prefix of characters is not a folder inside another.
    Writer sibling = new Writer("Download", "c", "2026-12-01T12:00:00Z", "models", "qwen2", false);

    assertThat(FolderWriters.keeperOtherThan(otherClaim, List.of(QWEN, otherClaim))).isEmpty();
    assertThat(FolderWriters.keeperOtherThan(sibling, List.of(QWEN, sibling))).isEmpty();
    assertThat(FolderWriters.startedOverlapping(QWEN, List.of(QWEN, otherClaim, sibling)))
        .isEmpty();
  }

  @Test
  void writersOfTheSameSecondAreOrderedByKindAndName() {
    Writer a = new Writer("Download", "a", "2026-12-01T10:00:00Z", "models", "x", false);
    Writer b = new Writer("Download", "b", "2026-12-01T10:00:00Z", "models", "x", false);

    assertThat(FolderWriters.keeperOtherThan(b, List.of(a, b))).contains(a);
    assertThat(FolderWriters.keeperOtherThan(a, List.of(a, b))).isEmpty();
  }

  @Test
  void oneThatHasWrittenKeepsItsFolderFromAnOlderOneEditedToPointThere() {
    Writer edited =
        new Writer("FineTuneJob", "old-job", "2026-12-01T09:00:00Z", "models", "qwen", false);

    assertThat(FolderWriters.keeperOtherThan(edited, List.of(QWEN, edited))).contains(QWEN);
    assertThat(FolderWriters.keeperOtherThan(QWEN, List.of(QWEN, edited))).isEmpty();
    assertThat(FolderWriters.conflictMessage(edited, QWEN)).contains("(it has started writing)");
  }

  @Test
  void cleanupKeepsAFolderAnotherStartedWriterSharesButNotOneThatWasRefused() {
    Writer refused = LATER_QWEN;
    Writer alsoWrote =
        new Writer("Download", "legacy", "2026-12-01T11:00:00Z", "models", "qwen/part", true);

    assertThat(FolderWriters.startedOverlapping(QWEN, List.of(QWEN, refused))).isEmpty();
    assertThat(FolderWriters.startedOverlapping(QWEN, List.of(QWEN, refused, alsoWrote)))
        .contains(alsoWrote);
  }
}
