package dev.llmfleet.inpod.downloader;

import dev.llmfleet.common.Units;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;

/** Whether the volume can hold what is still to fetch, decided before fetching anything. */
final class SpaceCheck {

  private SpaceCheck() {}

  /** Bytes still to fetch: complete files and the bytes in part files need nothing more. */
  static long stillToFetch(Collection<LocalFile> files) {
    return files.stream().mapToLong(f -> f.remote().size() - f.onDisk()).sum();
  }

  /** The message of an InsufficientStorage failure, or empty when there is room. */
  static Optional<String> shortfall(long stillToFetch, long usable, Path folder) {
    if (stillToFetch <= usable) {
      return Optional.empty();
    }
    return Optional.of(
        "not enough free space under "
            + folder
            + ": "
            + Units.bytes(stillToFetch)
            + " still to fetch, "
            + Units.bytes(usable)
            + " available ("
            + Units.bytes(stillToFetch - usable)
            + " more needed); use a bigger volume");
  }
}
