package dev.llmfleet.common;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Creates the Kubernetes client of the operator and of the downloader. */
public final class KubernetesClients {

  private static final int CONNECTION_TIMEOUT_MILLIS = 10_000;
  private static final int REQUEST_TIMEOUT_MILLIS = 30_000;
  // A refused connection fails at once; the timeout only bounds a silent network. A JVM starting on
  // a busy node needs seconds for its first TLS handshake: 5 s failed 20 downloaders started at
  // once.
  private static final int PROBE_TIMEOUT_MILLIS = 15_000;
  // fabric8 retries 5xx and I/O errors 10 times by default, up to ~100 s for one request; that
  // would also delay noticing a lost Lease. JOSDK retries failed reconciliations on its own.
  private static final int REQUEST_RETRIES = 3;

  private KubernetesClients() {}

  /**
   * A client from the in-cluster configuration or KUBECONFIG, after checking that the API server
   * answers.
   *
   * @throws IllegalStateException with a one-line message when the API server cannot be reached
   */
  public static KubernetesClient connect() {
    return connect(null);
  }

  /**
   * As {@link #connect()}, with a kubeconfig context other than the current one (the kubectl
   * plugin's --context).
   *
   * @param context a context of the kubeconfig, or null for its current one
   */
  public static KubernetesClient connect(String context) {
    Config config = config(context);
    checkReachable(config);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * A client as {@link #connect()} makes, without checking first that the API server answers: for
   * the downloader, whose first request (reading its Download) fails as clearly, and for which the
   * probe's own client and TLS handshake were a second of start-up on a busy node.
   */
  public static KubernetesClient connectUnchecked() {
    return new KubernetesClientBuilder().withConfig(config(null)).build();
  }

  private static Config config(String context) {
    return new ConfigBuilder(Config.autoConfigure(context))
        .withConnectionTimeout(CONNECTION_TIMEOUT_MILLIS)
        .withRequestTimeout(REQUEST_TIMEOUT_MILLIS)
        .withRequestRetryBackoffLimit(REQUEST_RETRIES)
        .build();
  }

  // The real client retries a failed connection for a minute and more; a missing cluster should be
  // reported within seconds, so the check uses a separate client without retries.
  private static void checkReachable(Config config) {
    Config probe =
        new ConfigBuilder(config)
            .withRequestRetryBackoffLimit(0)
            .withConnectionTimeout(PROBE_TIMEOUT_MILLIS)
            .withRequestTimeout(PROBE_TIMEOUT_MILLIS)
            .build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(probe).build()) {
      client.getKubernetesVersion();
    } catch (RuntimeException e) {
      String server = config.getMasterUrl().replaceAll("/+$", "");
      throw new IllegalStateException(
          "cannot reach the Kubernetes API at " + server + ": " + Errors.describe(e) + hint(config),
          e);
    }
  }

  // Without a kubeconfig and outside a pod, fabric8 falls back to https://kubernetes.default.svc,
  // which says nothing about the real mistake.
  private static String hint(Config config) {
    boolean inPod = System.getenv("KUBERNETES_SERVICE_HOST") != null;
    return config.getFile() == null && !inPod
        ? " (no kubeconfig at " + String.join(", ", Config.getKubeconfigFilenames()) + ")"
        : "";
  }
}
