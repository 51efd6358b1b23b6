package dev.llmfleet.cli;

import dev.llmfleet.common.KubernetesClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Where the commands look, as kubectl decides it: the kubeconfig's current context (or --context),
 * and its namespace (or -n, or every namespace with -A). Options of the top command, inherited by
 * every subcommand, so that they go before or after the subcommand's name.
 */
final class Target {

  @Option(
      names = {"-n", "--namespace"},
      scope = ScopeType.INHERIT,
      paramLabel = "NAMESPACE",
      description = "Namespace to look in; default: the context's namespace, else default.")
  String namespace;

  @Option(
      names = {"-A", "--all-namespaces"},
      scope = ScopeType.INHERIT,
      description = "Look in every namespace (status, watch).")
  boolean allNamespaces;

  @Option(
      names = "--context",
      scope = ScopeType.INHERIT,
      paramLabel = "CONTEXT",
      description = "Kubeconfig context to use; default: the current one.")
  String context;

  private KubernetesClient client;

  /**
   * The client, made at first use: --help and completion need no cluster.
   *
   * @throws CliException with {@link ExitCodes#NO_CLUSTER} when the API server cannot be reached
   */
  KubernetesClient client() {
    if (client == null) {
      try {
        client = KubernetesClients.connect(context);
      } catch (IllegalStateException e) {
        throw new CliException(ExitCodes.NO_CLUSTER, e.getMessage());
      }
    }
    return client;
  }

  /** The one namespace to look in; with -A, null. */
  String namespaceOrAll() {
    return allNamespaces ? null : namespace();
  }

  String namespace() {
    if (namespace != null) {
      return namespace;
    }
    String fromContext = client().getNamespace();
    return fromContext == null ? "default" : fromContext;
  }
}
