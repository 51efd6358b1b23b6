package dev.llmfleet.downloader;

import dev.llmfleet.Main;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.common.Errors;
import dev.llmfleet.common.KubernetesClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The `download` command, what a Download's pod runs. Fetching itself is not written yet. */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Fetch a Download's files into its volume, reporting progress in its status.")
public final class DownloadCommand implements Callable<Integer> {

  static final int NOT_IMPLEMENTED = 2;

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
  public Integer call() {
    if (!Files.isDirectory(root)) {
      throw new ParameterException(spec.commandLine(), "--root " + root + " is not a directory");
    }
    String resource = "Download " + namespace + "/" + name;
    try (KubernetesClient client = KubernetesClients.connect()) {
      if (read(client) == null) {
        throw new IllegalStateException(resource + " not found");
      }
    }
    spec.commandLine()
        .getErr()
        .println("llmfleet: download: fetching is not implemented yet (found " + resource + ")");
    return NOT_IMPLEMENTED;
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
