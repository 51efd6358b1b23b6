package dev.llmfleet.inpod.cleanup;

import dev.llmfleet.config.VersionProvider;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The `cleanup` command, what a cleanup pod runs: removes one folder inside a mounted volume, such
 * as a failed training run's partial output. The folder must lie inside the volume, also after
 * following symbolic links, so that no spec can point it at anything else. A folder that is already
 * gone is success: the pod may run twice.
 */
@Command(
    name = "cleanup",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Remove a folder inside a volume, such as a failed run's partial output.")
public final class CleanupCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--root",
      required = true,
      paramLabel = "DIR",
      description = "where the volume is mounted")
  Path root;

  @Option(
      names = "--path",
      required = true,
      paramLabel = "PATH",
      description = "the folder to remove, relative to --root")
  String path;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new ParameterException(spec.commandLine(), "--root " + root + " is not a directory");
    }
    Path target;
    try {
      target = inside(root, path);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    long removed = removeTree(target);
    spec.commandLine()
        .getOut()
        .println(
            removed == 0
                ? "nothing to remove at " + target
                : "removed " + target + " (" + removed + " entries)");
    return 0;
  }

  /**
   * The folder {@code relative} names under {@code root}.
   *
   * @throws IllegalArgumentException when it is the root itself or lies outside it, also through a
   *     symbolic link
   */
  static Path inside(Path root, String relative) throws IOException {
    if (relative.isBlank() || Path.of(relative).isAbsolute()) {
      throw new IllegalArgumentException(
          "--path must be a relative path inside --root, got \"" + relative + "\"");
    }
    Path realRoot = root.toRealPath();
    Path target = realRoot.resolve(relative).normalize();
    if (!target.startsWith(realRoot) || target.equals(realRoot)) {
      throw new IllegalArgumentException("--path " + relative + " is not inside --root " + root);
    }
    // The folders leading to the target may be links; the target itself, if a link, is removed as a
    // link.
    Path existing = target.getParent();
    while (!Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (!existing.toRealPath().startsWith(realRoot)) {
      throw new IllegalArgumentException(
          "--path " + relative + " leads outside --root " + root + " through a symbolic link");
    }
    return target;
  }

  /**
   * Removes {@code target} and everything below it, never following links; returns how many entries
   * went.
   */
  static long removeTree(Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    long[] removed = {0};
    Files.walkFileTree(
        target,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.delete(file);
            removed[0]++;
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException error)
              throws IOException {
            if (error != null) {
              throw error;
            }
            Files.delete(dir);
            removed[0]++;
            return FileVisitResult.CONTINUE;
          }
        });
    return removed[0];
  }
}
