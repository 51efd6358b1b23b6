package dev.llmfleet.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/** A namespace of its own for one test class, with the in-process operator watching only it. */
public final class TestNamespace {

  private final Cluster cluster;
  private final String name;

  private TestNamespace(Cluster cluster, String name) {
    this.cluster = cluster;
    this.name = name;
  }

  static TestNamespace create(Cluster cluster, Class<?> testClass) {
    String base = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    String name =
        "e2e-"
            + base.substring(0, Math.min(base.length(), 40))
            + "-"
            + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    return create(cluster, name, Map.of());
  }

  private static TestNamespace create(Cluster cluster, String name, Map<String, String> labels) {
    cluster
        .client()
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("llmfleet.dev/e2e", "true")
                .addToLabels(labels)
                .endMetadata()
                .build())
        .create();
    return new TestNamespace(cluster, name);
  }

  /**
   * Another namespace for the same test class, {@code <name>-<suffix>}, with more labels (a Pod
   * Security level, say). The in-process operator does not watch it; the test deletes it.
   */
  public TestNamespace sibling(String suffix, Map<String, String> labels) {
    return create(cluster, name + "-" + suffix, labels);
  }

  public String name() {
    return name;
  }

  public KubernetesClient client() {
    return cluster.client();
  }

  public Cluster cluster() {
    return cluster;
  }

  /** The object of this type and name in the namespace, or null. */
  public <T extends HasMetadata> T get(String name, Class<T> type) {
    return client().resources(type).inNamespace(name()).withName(name).get();
  }

  /** Waits up to {@code timeout} until the Download exists and is in {@code phase}; returns it. */
  public Download awaitPhase(String name, DownloadPhase phase, Duration timeout) {
    return awaitPhase(
        Download.class,
        name,
        timeout,
        d -> d.getStatus() != null ? d.getStatus().getPhase() : null,
        phase);
  }

  /**
   * Waits up to {@code timeout} until the FineTuneJob exists and is in {@code phase}; returns it.
   */
  public FineTuneJob awaitPhase(String name, FineTuneJobPhase phase, Duration timeout) {
    return awaitPhase(
        FineTuneJob.class,
        name,
        timeout,
        j -> j.getStatus() != null ? j.getStatus().getPhase() : null,
        phase);
  }

  /**
   * Waits up to {@code timeout} until the ModelServer exists and is in {@code phase}, whichever
   * generation the operator saw ({@link ModelServers#awaitPhase} waits for the current one);
   * returns it.
   */
  public ModelServer awaitPhase(String name, ModelServerPhase phase, Duration timeout) {
    return awaitPhase(
        ModelServer.class,
        name,
        timeout,
        s -> s.getStatus() != null ? s.getStatus().getPhase() : null,
        phase);
  }

  private <T extends HasMetadata, P> T awaitPhase(
      Class<T> type, String name, Duration timeout, Function<T, P> phaseOf, P phase) {
    return await()
        .atMost(timeout)
        .until(() -> get(name, type), r -> r != null && phaseOf.apply(r) == phase);
  }

  /**
   * The pods labelled {@code app.kubernetes.io/instance=<instance>}, a ModelServer's say, but those
   * being deleted.
   */
  public List<Pod> podsOf(String instance) {
    return client()
        .pods()
        .inNamespace(name())
        .withLabel("app.kubernetes.io/instance", instance)
        .list()
        .getItems()
        .stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** The pods of the Job named {@code job} (label {@code job-name}), whatever their state. */
  public List<Pod> podsOfJob(String job) {
    return client().pods().inNamespace(name()).withLabel("job-name", job).list().getItems();
  }

  /**
   * The Jobs labelled {@code app.kubernetes.io/instance=<instance>}: a Download's or FineTuneJob's
   * runs and cleanups.
   */
  public List<Job> jobsOf(String instance) {
    return client()
        .batch()
        .v1()
        .jobs()
        .inNamespace(name())
        .withLabel("app.kubernetes.io/instance", instance)
        .list()
        .getItems();
  }

  /**
   * The events about the objects named {@code name} in the namespace, of any kind, oldest first.
   */
  public List<Event> events(String name) {
    return events(Map.of("involvedObject.name", name));
  }

  /** The events about the object of this type and name in the namespace, oldest first. */
  public List<Event> events(Class<? extends HasMetadata> type, String name) {
    return events(
        Map.of("involvedObject.kind", HasMetadata.getKind(type), "involvedObject.name", name));
  }

  private List<Event> events(Map<String, String> fields) {
    List<Event> events =
        new ArrayList<>(
            client().v1().events().inNamespace(name()).withFields(fields).list().getItems());
    events.sort(Comparator.comparing(TestNamespace::when).thenComparing(TestNamespace::created));
    return events;
  }

  /**
   * When an event last happened: its lastTimestamp, or the eventTime of one written through
   * events.k8s.io, which may leave the former empty.
   */
  private static Instant when(Event event) {
    String time =
        event.getLastTimestamp() != null
            ? event.getLastTimestamp()
            : event.getEventTime() != null
                ? event.getEventTime().getTime()
                : event.getFirstTimestamp();
    return time == null ? created(event) : Instant.parse(time);
  }

  private static Instant created(Event event) {
    String created = event.getMetadata().getCreationTimestamp();
    return created == null ? Instant.EPOCH : Instant.parse(created);
  }

  /** kubectl with {@code -n <namespace>} added. */
  public Cluster.Result kubectl(String... args) {
    String[] withNamespace = new String[args.length + 2];
    withNamespace[0] = "-n";
    withNamespace[1] = name;
    System.arraycopy(args, 0, withNamespace, 2, args.length);
    return cluster.kubectl(withNamespace);
  }

  /**
   * {@code kubectl apply --server-side} of a manifest into this namespace, as Argo CD or Flux do;
   * asserts that kubectl succeeded.
   */
  public void apply(String manifest) {
    try {
      Path file = Files.createTempFile("manifest", ".yaml");
      Files.writeString(file, manifest);
      Cluster.Result applied = kubectl("apply", "--server-side", "-f", file.toString());
      assertThat(applied.exitCode()).as(applied.output()).isZero();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a YAML file into the given type, placed in this namespace. */
  public <T extends HasMetadata> T load(Path yaml, Class<T> type) {
    try {
      T resource = client().getKubernetesSerialization().unmarshal(Files.readString(yaml), type);
      resource.getMetadata().setNamespace(name);
      return resource;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + yaml, e);
    }
  }

  /**
   * Events, the namespace's objects as YAML and the operator's log lines about them, for a failed
   * test.
   */
  String describe() {
    StringBuilder out = new StringBuilder();
    for (List<String> command :
        List.of(
            List.of("get", "events", "--sort-by=.lastTimestamp"),
            List.of(
                "get", "llmfleet,jobs,deployments,services,pods,pvc,configmaps", "-o", "yaml"))) {
      out.append("$ kubectl -n ")
          .append(name)
          .append(' ')
          .append(String.join(" ", command))
          .append('\n')
          .append(kubectl(command.toArray(String[]::new)).output())
          .append('\n');
    }
    out.append("operator log lines mentioning ").append(name).append(":\n");
    OperatorLog.linesMentioning(name).forEach(line -> out.append(line).append('\n'));
    return out.toString();
  }

  public void delete() {
    client().namespaces().withName(name).delete();
  }
}
