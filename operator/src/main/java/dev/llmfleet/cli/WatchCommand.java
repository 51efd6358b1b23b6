package dev.llmfleet.cli;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.common.Errors;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Live progress of one Download (watch download NAME) or of all (watch): bytes, rate, ETA, files,"
          + " verified. Redraws bars in a terminal; prints a line per change without one (or with --no-tty).",
      "Ends when they have finished: exit 0 when every one Succeeded, 1 when one Failed or was deleted."
    })
final class WatchCommand implements Callable<Integer> {

  /** How often the bars read the informer's cache; the downloader reports every ~2 s. */
  private static final long TICK_MILLIS = 500;

  private static final long SYNC_TIMEOUT_SECONDS = 30;

  @ParentCommand PluginCommand plugin;

  @Parameters(
      arity = "0..2",
      paramLabel = "download [NAME]",
      description = "download (dl) and a Download's name; without a name, every Download.")
  List<String> selection = List.of();

  @Option(names = "--no-tty", description = "Plain lines even in a terminal.")
  boolean noTty;

  @Override
  public Integer call() throws InterruptedException {
    String name = name(selection);
    Target target = plugin.target;
    String namespace = name != null ? target.namespace() : target.namespaceOrAll();
    var downloads = target.client().resources(Download.class);
    // Not started yet, so that the wait for its first list is bounded here.
    SharedIndexInformer<Download> unstarted =
        name != null
            ? downloads.inNamespace(namespace).withName(name).runnableInformer(0)
            : namespace != null
                ? downloads.inNamespace(namespace).runnableInformer(0)
                : downloads.inAnyNamespace().runnableInformer(0);
    try (SharedIndexInformer<Download> informer = unstarted) {
      informer.start().toCompletableFuture().get(SYNC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<Download> first = current(informer);
      if (first.isEmpty()) {
        throw name != null
            ? CliException.notFound(new ResourceRef(Kind.DOWNLOAD, name), namespace)
            : new CliException(
                ExitCodes.NOT_FOUND,
                "no Downloads in "
                    + (namespace == null ? "any namespace" : "namespace " + namespace));
      }
      boolean tty = !noTty && System.console() != null;
      List<Download> last = tty ? bars(informer, first) : lines(informer, first, System.out);
      return result(first, last, System.out);
    } catch (ExecutionException | TimeoutException e) {
      throw new CliException(ExitCodes.NO_CLUSTER, "cannot watch Downloads: " + Errors.describe(e));
    }
  }

  /** Redraws until every Download seen has finished or gone; returns the last state seen. */
  private static List<Download> bars(SharedIndexInformer<Download> informer, List<Download> first)
      throws InterruptedException {
    try (DownloadBars bars = new DownloadBars(first)) {
      List<Download> now = first;
      while (true) {
        bars.update(now);
        if (done(first, now)) {
          return now;
        }
        Thread.sleep(TICK_MILLIS);
        now = current(informer);
      }
    }
  }

  private static List<Download> lines(
      SharedIndexInformer<Download> informer, List<Download> first, PrintStream out)
      throws InterruptedException {
    Map<String, String> printed = new HashMap<>();
    List<Download> now = first;
    while (true) {
      for (Download download : now) {
        String line = ProgressLines.line(download);
        if (!line.equals(printed.put(download.getMetadata().getUid(), line))) {
          out.println(line);
        }
      }
      out.flush();
      if (done(first, now)) {
        return now;
      }
      Thread.sleep(TICK_MILLIS);
      now = current(informer);
    }
  }

  /** The result of each Download, and 0 only when all of those seen at the start Succeeded. */
  private static int result(List<Download> first, List<Download> last, PrintStream out) {
    boolean failed = false;
    for (Download download : first) {
      var now =
          last.stream()
              .filter(d -> d.getMetadata().getUid().equals(download.getMetadata().getUid()))
              .findFirst();
      if (now.isEmpty()) {
        out.println("Download " + download.getMetadata().getName() + " was deleted");
        failed = true;
      } else {
        out.println(ProgressLines.result(now.get()));
        failed |= ProgressLines.phase(now.get()) != DownloadPhase.Succeeded;
      }
    }
    return failed ? ExitCodes.FAILED : ExitCodes.OK;
  }

  /**
   * Every Download seen at the start has finished or is gone; those created since are shown, not
   * waited for.
   */
  private static boolean done(List<Download> first, List<Download> now) {
    return first.stream()
        .allMatch(
            download ->
                now.stream()
                    .filter(d -> d.getMetadata().getUid().equals(download.getMetadata().getUid()))
                    .allMatch(ProgressLines::finished));
  }

  private static List<Download> current(SharedIndexInformer<Download> informer) {
    return informer.getStore().list().stream()
        .sorted(
            Comparator.comparing((Download d) -> d.getMetadata().getNamespace())
                .thenComparing(d -> d.getMetadata().getName()))
        .toList();
  }

  /** The Download's name in "download NAME", "dl/NAME" or "NAME"-less forms; null for all. */
  static String name(List<String> selection) {
    if (selection.size() == 1 && selection.get(0).contains("/")) {
      ResourceRef ref = ResourceRef.parse(selection.get(0));
      if (ref.kind() != Kind.DOWNLOAD) {
        throw new CliException(
            ExitCodes.USAGE, "watch follows Downloads, not " + ref.kind().kind() + "s");
      }
      return ref.name();
    }
    if (!selection.isEmpty()
        && Kind.parse(selection.get(0)).filter(k -> k == Kind.DOWNLOAD).isEmpty()) {
      throw new CliException(
          ExitCodes.USAGE,
          "watch follows Downloads: watch [download [NAME]], not '" + selection.get(0) + "'");
    }
    return selection.size() == 2 ? selection.get(1) : null;
  }
}
