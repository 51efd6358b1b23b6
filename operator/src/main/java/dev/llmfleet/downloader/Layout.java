package dev.llmfleet.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a Download's files go ({@code <root>/<subPath>/<path>}), and what of each is on disk
 * already. Paths come from a remote listing, so any that could leave the folder is refused.
 */
final class Layout {

  static final String PART = ".part";

  private static final Pattern UNSAFE_SEGMENT = Pattern.compile("(^|/)(\\.{1,2})?(/|$)");

  private final Path folder;

  private Layout(Path folder) {
    this.folder = folder;
  }

  static Layout of(Path root, String subPath) throws Failure {
    Path base = root.toAbsolutePath().normalize();
    return new Layout(inside(base, subPath));
  }

  Path folder() {
    return folder;
  }

  /**
   * A file's state on disk: complete when the final name exists with the right size (it was
   * renamed only after verification), otherwise as many bytes as its {@code .part} holds.
   */
  LocalFile inspect(RemoteFile remote) throws Failure {
    Path target = inside(folder, remote.path());
    Path part = target.resolveSibling(target.getFileName() + PART);
    try {
      if (Files.isRegularFile(target) && Files.size(target) == remote.size()) {
        return new LocalFile(remote, target, part, remote.size(), true);
      }
      long partial = Files.isRegularFile(part) ? Files.size(part) : 0;
      // A part longer than the file cannot be resumed; it will be fetched again from zero.
      return new LocalFile(remote, target, part, partial <= remote.size() ? partial : 0, false);
    } catch (IOException e) {
      throw new Failure(Failure.TRANSFER_FAILED, "cannot read " + target + ": " + e.getMessage());
    }
  }

  /** {@code base/relative}, refusing absolute paths, empty, "." or ".." segments and characters no file name holds. */
  static Path inside(Path base, String relative) throws Failure {
    String shown = "refusing the path \"" + Failure.printable(relative, 300) + "\": ";
    if (relative.indexOf('\0') >= 0) {
      throw new Failure(Failure.UNSAFE_PATH, shown + "it holds a NUL character, which no file name can hold");
    }
    boolean unsafe = relative.isEmpty() || relative.startsWith("/") || UNSAFE_SEGMENT.matcher(relative).find();
    Path resolved;
    try {
      resolved = base.resolve(relative).normalize();
    } catch (InvalidPathException e) {
      throw new Failure(Failure.UNSAFE_PATH, shown + "not a file name on this file system (" + e.getReason() + ")");
    }
    if (unsafe || !resolved.startsWith(base) || resolved.equals(base)) {
      throw new Failure(Failure.UNSAFE_PATH, shown + "it is absolute, empty or has \".\" or \"..\" parts");
    }
    return resolved;
  }
}
