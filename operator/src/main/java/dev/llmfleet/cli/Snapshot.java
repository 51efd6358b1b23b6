package dev.llmfleet.cli;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.common.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet as read once from the cluster: the three kinds and the pods the operator made for them.
 * Everything the plugin shows is computed from one of these by pure functions, so that tests build
 * one and compare text.
 */
record Snapshot(
    List<Download> downloads,
    List<ModelServer> modelServers,
    List<FineTuneJob> fineTuneJobs,
    List<Pod> pods) {

  /** Reads one namespace, or all of them when {@code namespace} is null. */
  static Snapshot read(KubernetesClient client, String namespace) {
    var pods = client.pods();
    var podList =
        namespace == null
            ? pods.inAnyNamespace().withLabel(Labels.NAME, Labels.APP_NAME).list()
            : pods.inNamespace(namespace).withLabel(Labels.NAME, Labels.APP_NAME).list();
    return new Snapshot(
        list(client, Download.class, namespace),
        list(client, ModelServer.class, namespace),
        list(client, FineTuneJob.class, namespace),
        sorted(podList.getItems()));
  }

  private static <T extends HasMetadata> List<T> list(
      KubernetesClient client, Class<T> type, String namespace) {
    var resources = client.resources(type);
    return sorted(
        namespace == null
            ? resources.inAnyNamespace().list().getItems()
            : resources.inNamespace(namespace).list().getItems());
  }

  private static <T extends HasMetadata> List<T> sorted(List<T> items) {
    return items.stream()
        .sorted(
            Comparator.comparing((T r) -> r.getMetadata().getNamespace())
                .thenComparing(r -> r.getMetadata().getName()))
        .toList();
  }

  boolean isEmpty() {
    return downloads.isEmpty() && modelServers.isEmpty() && fineTuneJobs.isEmpty();
  }

  Optional<? extends HasMetadata> find(Kind kind, String namespace, String name) {
    List<? extends HasMetadata> items =
        switch (kind) {
          case DOWNLOAD -> downloads;
          case MODEL_SERVER -> modelServers;
          case FINE_TUNE_JOB -> fineTuneJobs;
        };
    return items.stream()
        .filter(r -> inNamespace(r, namespace) && r.getMetadata().getName().equals(name))
        .findFirst();
  }

  Optional<Download> download(String namespace, String name) {
    return find(Kind.DOWNLOAD, namespace, name).map(Download.class::cast);
  }

  Optional<FineTuneJob> fineTuneJob(String namespace, String name) {
    return find(Kind.FINE_TUNE_JOB, namespace, name).map(FineTuneJob.class::cast);
  }

  /** The pods in {@code namespace} that carry every one of {@code labels}, newest first. */
  List<Pod> pods(String namespace, Map<String, String> labels) {
    return pods.stream()
        .filter(pod -> inNamespace(pod, namespace))
        .filter(
            pod ->
                pod.getMetadata().getLabels() != null
                    && labels.entrySet().stream()
                        .allMatch(
                            e ->
                                Objects.equals(
                                    pod.getMetadata().getLabels().get(e.getKey()), e.getValue())))
        .sorted(
            Comparator.comparing(
                    (Pod pod) -> Objects.toString(pod.getMetadata().getCreationTimestamp(), ""))
                .reversed())
        .toList();
  }

  private static boolean inNamespace(HasMetadata resource, String namespace) {
    return namespace.equals(resource.getMetadata().getNamespace());
  }
}
