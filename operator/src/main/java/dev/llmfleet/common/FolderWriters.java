package dev.llmfleet.common;

import dev.llmfleet.api.v1alpha1.common.Condition;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Who writes where: Downloads into their folder, FineTuneJobs into their output folder, each inside
 * a claim. Two resources writing into the same folder of the same claim, or one into a folder
 * inside the other's, would mix their files, and the cleanup of one would remove the other's. The
 * one that started writing first keeps the folder (else the older), the other is refused until it
 * names another folder or the first is gone.
 */
public final class FolderWriters {

  public static final String CONFLICT_REASON = "FolderConflict";

  /**
   * Who keeps a folder: one that has written (a spec edited later must not take the folder from
   * it), then the oldest; resources created in the same second by kind and name, the same on every
   * pass.
   */
  private static final Comparator<Writer> PRECEDENCE =
      Comparator.comparing((Writer w) -> !w.started())
          .thenComparing(Writer::createdAt)
          .thenComparing(Writer::kind)
          .thenComparing(Writer::name);

  private FolderWriters() {}

  /**
   * One resource writing into a folder.
   *
   * @param createdAt metadata.creationTimestamp (RFC 3339 in UTC, which sorts like the instant)
   * @param path the folder inside the claim, relative, without "." or ".." segments (the schema
   *     says so)
   * @param started whether it has started a run, which may have written there
   */
  public record Writer(
      String kind, String name, String createdAt, String claimName, String path, boolean started) {

    /**
     * Whether the two write into the same folder of the same claim, or one into a folder inside the
     * other's.
     */
    boolean overlaps(Writer other) {
      return claimName.equals(other.claimName)
          && (path.equals(other.path)
              || path.startsWith(other.path + "/")
              || other.path.startsWith(path + "/"));
    }

    boolean isSame(Writer other) {
      return kind.equals(other.kind) && name.equals(other.name);
    }

    @Override
    public String toString() {
      return kind + " " + name;
    }
  }

  /**
   * The writer that keeps the folder {@code self}'s overlaps, if not {@code self}: then {@code
   * self} must not write.
   *
   * @param writers every Download and FineTuneJob of the namespace; {@code self} among them or not
   */
  public static Optional<Writer> keeperOtherThan(Writer self, Collection<Writer> writers) {
    return writers.stream()
        .filter(
            other ->
                !other.isSame(self) && other.overlaps(self) && PRECEDENCE.compare(other, self) < 0)
        .min(PRECEDENCE);
  }

  /**
   * Another writer that has started writing where {@code self} would remove files, if any: then
   * nothing is removed. Refused writers never start, so this finds only what predates the refusal
   * (or a race of two first runs).
   */
  public static Optional<Writer> startedOverlapping(Writer self, Collection<Writer> writers) {
    return writers.stream()
        .filter(other -> !other.isSame(self) && other.started() && other.overlaps(self))
        .min(PRECEDENCE);
  }

  /** Whether a resource's conditions say it was refused already: its event went out then. */
  public static boolean refusedIn(List<Condition> conditions) {
    return Conditions.find(conditions, Conditions.STALLED)
        .map(c -> CONFLICT_REASON.equals(c.getReason()) && "True".equals(c.getStatus()))
        .orElse(false);
  }

  /** What the refused resource says, naming the one that keeps the folder. */
  public static String conflictMessage(Writer self, Writer keeper) {
    return "folder "
        + self.path()
        + " of claim "
        + self.claimName()
        + " is written by "
        + keeper
        + " ("
        + (keeper.started()
            ? "it has started writing"
            : "created " + keeper.createdAt() + ", before this " + self.kind())
        + ")"
        + (keeper.path().equals(self.path()) ? "" : " into folder " + keeper.path())
        + "; set another storage.subPath or claim, or delete "
        + keeper;
  }
}
