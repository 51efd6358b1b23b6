package dev.llmfleet.inpod.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

  /** As {@link #inspect(RemoteFile, Manifest)} with a manifest that knows no file. */
  LocalFile inspect(RemoteFile remote) throws Failure {
    return inspect(remote, Manifest.empty());
  }

  /**
   * A file's state on disk: complete when the final name exists with the right size and the
   * manifest says it came from this very source (this hash, or this URL and validator), otherwise
   * as many bytes as its {@code .part} holds. A file of the right size that the manifest does not
   * know (an older downloader wrote it, or the manifest is lost) becomes a part of full length when
   * it can be checked by hash: it is hashed again, and fetched again if that fails.
   */
  LocalFile inspect(RemoteFile remote, Manifest manifest) throws Failure {
    Path target = inside(folder, remote.path());
    Path part = target.resolveSibling(target.getFileName() + PART);
    try {
      if (Files.isRegularFile(target) && Files.size(target) == remote.size()) {
        long modified = Files.getLastModifiedTime(target).toMillis();
        if (manifest.holds(remote, modified)) {
          return new LocalFile(remote, target, part, remote.size(), true);
        }
        if (remote.checksum().isPresent() && !manifest.knowsOther(remote, modified)) {
          Files.move(
              target, part, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          return new LocalFile(remote, target, part, remote.size(), false);
        }
      }
      long partial = Files.isRegularFile(part) ? Files.size(part) : 0;
      // A part longer than the file cannot be resumed; it will be fetched again from zero.
      return new LocalFile(remote, target, part, partial <= remote.size() ? partial : 0, false);
    } catch (IOException e) {
      throw new Failure(Failure.TRANSFER_FAILED, "cannot read " + target + ": " + e.getMessage());
    }
  }

  /**
   * Refuses listings whose files would share a place on disk: the same path twice, paths equal
   * ignoring case (one file on case-insensitive volumes), a file beside its own {@code .part}, a
   * file where another needs a folder, or the manifest's own name.
   */
  static void refuseCollisions(List<RemoteFile> files) throws Failure {
    Map<String, String> byFoldedPath = new HashMap<>();
    for (RemoteFile file : files) {
      String path = file.path();
      String earlier = byFoldedPath.putIfAbsent(fold(path), path);
      if (earlier != null) {
        throw collision(
            earlier,
            path,
            earlier.equals(path)
                ? "it is listed twice"
                : "the names differ only in case, and are one file on a case-insensitive volume");
      }
    }
    for (RemoteFile file : files) {
      String path = file.path();
      String name = path.substring(path.lastIndexOf('/') + 1);
      if (name.equalsIgnoreCase(Manifest.NAME) || name.equalsIgnoreCase(Manifest.NAME + ".next")) {
        throw collision(path, Manifest.NAME, "the downloader keeps its manifest under that name");
      }
      String folded = fold(path);
      if (folded.endsWith(PART)
          && byFoldedPath.containsKey(folded.substring(0, folded.length() - PART.length()))) {
        throw collision(
            byFoldedPath.get(folded.substring(0, folded.length() - PART.length())),
            path,
            "the second is the name the first is fetched into");
      }
      for (int slash = folded.indexOf('/'); slash > 0; slash = folded.indexOf('/', slash + 1)) {
        String folder = byFoldedPath.get(folded.substring(0, slash));
        if (folder != null) {
          throw collision(folder, path, "the first is a file, the second needs it as a folder");
        }
      }
    }
  }

  private static String fold(String path) {
    return path.toLowerCase(Locale.ROOT);
  }

  private static Failure collision(String first, String second, String why) {
    return new Failure(
        Failure.UNSAFE_PATH,
        "refusing the listing: \""
            + Failure.printable(first, 300)
            + "\" and \""
            + Failure.printable(second, 300)
            + "\" would share a place on disk ("
            + why
            + ")");
  }

  /**
   * {@code base/relative}, refusing absolute paths, empty, "." or ".." segments and characters no
   * file name holds.
   */
  static Path inside(Path base, String relative) throws Failure {
    String shown = "refusing the path \"" + Failure.printable(relative, 300) + "\": ";
    if (relative.indexOf('\0') >= 0) {
      throw new Failure(
          Failure.UNSAFE_PATH, shown + "it holds a NUL character, which no file name can hold");
    }
    boolean unsafe =
        relative.isEmpty() || relative.startsWith("/") || UNSAFE_SEGMENT.matcher(relative).find();
    Path resolved;
    try {
      resolved = base.resolve(relative).normalize();
    } catch (InvalidPathException e) {
      throw new Failure(
          Failure.UNSAFE_PATH,
          shown + "not a file name on this file system (" + e.getReason() + ")");
    }
    if (unsafe || !resolved.startsWith(base) || resolved.equals(base)) {
      throw new Failure(
          Failure.UNSAFE_PATH, shown + "it is absolute, empty or has \".\" or \"..\" parts");
    }
    return resolved;
  }
}
