package dev.llmfleet.inpod.downloader;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.common.Errors;
import dev.llmfleet.common.KubernetesClients;
import dev.llmfleet.config.VersionProvider;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The `download` command, what a Download's pod runs: fetches the Download's files into {@code
 * <root>/<subPath>/} and reports progress in its status. Exit code 0 only when every file is
 * complete and verified; the reason of a failure is in {@code status.progress.failure} and on
 * stderr.
 */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Fetch a Download's files into its volume, reporting progress in its status.")
public final class DownloadCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--namespace",
      required = true,
      paramLabel = "NS",
      description = "namespace of the Download")
  String namespace;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "its name")
  String name;

  @Option(
      names = "--root",
      required = true,
      paramLabel = "DIR",
      description = "where the volume is mounted")
  Path root;

  @Override
  public Integer call() throws InterruptedException {
    if (!Files.isDirectory(root)) {
      throw new ParameterException(spec.commandLine(), "--root " + root + " is not a directory");
    }
    Downloader.Settings settings = Downloader.Settings.fromEnvironment(root, System.getenv());
    try (KubernetesClient client = KubernetesClients.connectUnchecked()) {
      Download download = read(client);
      if (download == null) {
        throw new IllegalStateException("Download " + namespace + "/" + name + " not found");
      }
      StatusSink status = new StatusPatcher(client, namespace, name);
      return new Downloader(settings, status, System.out, System.err, Clock.systemUTC())
          .run(download);
    }
  }

  private Download read(KubernetesClient client) {
    try {
      return client.resources(Download.class).inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "cannot read Download " + namespace + "/" + name + ": " + Errors.describe(e), e);
    }
  }
}
