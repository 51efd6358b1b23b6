package dev.llmfleet.e2e.bench;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.e2e.origin.TestOrigin;
import dev.llmfleet.e2e.support.DownloaderProcess;
import dev.llmfleet.e2e.support.FakeNode;
import dev.llmfleet.e2e.support.OperatorProcess;
import dev.llmfleet.e2e.support.SmallServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The scale and fault benchmark of e2e/bench/scale-bench.sh (not a test): against the local control
 * plane whose kubeconfig is in KUBECONFIG, with the operator jar run as processes. Appends "key
 * value" lines to the file BENCH_RESULTS for the script to tabulate (per fleet size as "key@N");
 * progress goes to stderr.
 *
 * <p>Arguments: the fleet sizes N, default 100. Each size gets a fresh operator and fresh
 * namespaces; the faults (failover, kube-apiserver crash) are measured on the last fleet, then the
 * restart scenario runs on its own.
 */
public final class ScaleBench {

  private static final String NODE_LABEL = "llmfleet.dev/bench";
  private static final Duration LONG = Duration.ofMinutes(30);
  private static final int RESTART_DOWNLOADS = 20;
  private static final int RESTART_SERVERS = 200;
  private static final Path RESULTS = Path.of(System.getenv("BENCH_RESULTS"));
  private static final long RESTART_FILE_BYTES = 96L << 20;

  private final KubernetesClient client = new KubernetesClientBuilder().build();
  private final Path kubeconfig = Path.of(System.getenv("KUBECONFIG"));
  private final String suffix = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
  private final Map<String, Instant> deploymentSeen = new ConcurrentHashMap<>();
  private final List<OperatorProcess> operators = new ArrayList<>();
  private final List<AutoCloseable> closeLast = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> nodes = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    List<Integer> sizes =
        args.length == 0 ? List.of(100) : Stream.of(args).map(Integer::valueOf).toList();
    ScaleBench bench = new ScaleBench();
    try {
      bench.run(sizes);
    } finally {
      bench.cleanUp();
    }
    System.exit(0);
  }

  private void run(List<Integer> sizes) throws Exception {
    // Informers, not watches: they come back after the kube-apiserver crash.
    closeLast.add(
        inform(
            client.apps().deployments().inAnyNamespace(),
            d ->
                deploymentSeen.putIfAbsent(
                    d.getMetadata().getNamespace() + "/" + d.getMetadata().getName(),
                    Instant.now())));
    String ns = null;
    OperatorProcess leader = null;
    for (int n : sizes) {
      if (ns != null) {
        removeFleet(ns, leader);
      }
      ns = "bench-fleet-" + n + "-" + suffix;
      leader = fleet(n, ns);
    }
    faults(ns);
    restart();
  }

  /**
   * Convergence, latency, steady state and footprint of N ModelServers; returns the operator, still
   * leading.
   */
  private OperatorProcess fleet(int n, String ns) throws Exception {
    String direct = "bench-direct-" + n + "-" + suffix;
    namespace(ns);
    namespace(direct);
    node(ns, 2 * n + 50);

    log("N=" + n + ": starting operator A");
    long start = System.nanoTime();
    OperatorProcess a = startOperator("bench-a", ns);
    await("operator A ready", Duration.ofMinutes(3), a::ready);
    put("startup_to_ready_s", n, seconds(System.nanoTime() - start));
    await("operator A leads", Duration.ofMinutes(1), () -> "bench-a".equals(holder(ns)));

    log("N=" + n + ": idle latency, 20 ModelServers one at a time");
    List<Double> idle = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      idle.add(createAndTime(ns, "idle-" + i));
    }
    put("latency_idle_p50_ms", n, ms(percentile(idle, 50)));
    put("latency_idle_p99_ms", n, ms(percentile(idle, 99)));

    log("N=" + n + ": convergence");
    Map<String, Instant> created = new ConcurrentHashMap<>();
    start = System.nanoTime();
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              String name = "fleet-" + i;
              created.put(name, Instant.now());
              client.resource(server(ns, name, ns)).create();
            });
    await(n + " ModelServers Ready", LONG, () -> readyServers(ns) >= n + 20);
    long operatorNanos = System.nanoTime() - start;
    put("converge_operator_s", n, seconds(operatorNanos));
    List<Double> load =
        created.entrySet().stream()
            .map(
                e ->
                    (double)
                            Duration.between(
                                    e.getValue(),
                                    deploymentSeen.getOrDefault(
                                        ns + "/" + e.getKey(), Instant.now()))
                                .toMillis()
                        / 1000)
            .toList();
    put("latency_load_p50_ms", n, ms(percentile(load, 50)));
    put("latency_load_p99_ms", n, ms(percentile(load, 99)));

    log("N=" + n + ": footprint after convergence");
    put("operator_rss_mib", n, Long.toString(rssKib(a.pid()) / 1024));
    put("operator_heap_used_mib", n, Long.toString(heapUsedBytes(a) / (1024 * 1024)));

    log("N=" + n + ": steady state, one minute");
    Map<String, String> before = resourceVersions(ns);
    long eventsBefore = operatorEvents(ns);
    TimeUnit.SECONDS.sleep(60);
    Map<String, String> after = resourceVersions(ns);
    long changed =
        before.entrySet().stream().filter(e -> !e.getValue().equals(after.get(e.getKey()))).count();
    put("steady_objects_checked", n, Integer.toString(before.size()));
    put("steady_writes_per_min", n, Long.toString(changed + operatorEvents(ns) - eventsBefore));

    log("N=" + n + ": direct baseline, the same Deployments and Services");
    Deployment template = client.apps().deployments().inNamespace(ns).withName("fleet-0").get();
    Service serviceTemplate = client.services().inNamespace(ns).withName("fleet-0").get();
    start = System.nanoTime();
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              String name = "fleet-" + i;
              Deployment d = client.getKubernetesSerialization().clone(template);
              d.setMetadata(copyMeta(template.getMetadata(), name, direct));
              d.setStatus(null);
              d.getSpec().getSelector().getMatchLabels().put("bench/direct", name);
              d.getSpec().getTemplate().getMetadata().getLabels().put("bench/direct", name);
              client.resource(d).create();
              Service s = client.getKubernetesSerialization().clone(serviceTemplate);
              s.setMetadata(copyMeta(serviceTemplate.getMetadata(), name, direct));
              s.getSpec().setClusterIP(null);
              s.getSpec().setClusterIPs(null);
              s.getSpec().setSelector(Map.of("bench/direct", name));
              s.setStatus(null);
              client.resource(s).create();
            });
    await(
        n + " Deployments available",
        LONG,
        () ->
            client.apps().deployments().inNamespace(direct).list().getItems().stream()
                    .filter(
                        d ->
                            d.getStatus() != null
                                && d.getStatus().getAvailableReplicas() != null
                                && d.getStatus().getAvailableReplicas() >= 1)
                    .count()
                >= n);
    long directNanos = System.nanoTime() - start;
    put("converge_direct_s", n, seconds(directNanos));
    put("converge_ratio", n, String.format("%.2f", (double) operatorNanos / directNanos));
    deleteNamespace(direct);
    return a;
  }

  /**
   * Failover to a second replica, then a kube-apiserver crash, on the settled fleet of {@code ns}.
   */
  private void faults(String ns) throws Exception {
    log("failover: a second operator, kill -9 the leader");
    OperatorProcess b = startOperator("bench-b", ns);
    await("operator B ready", Duration.ofMinutes(3), b::ready);
    operators.stream().filter(o -> o != b && o.isAlive()).forEach(OperatorProcess::kill);
    long start = System.nanoTime();
    client.resource(server(ns, "after-failover", ns)).create();
    await(
        "Deployment after failover",
        Duration.ofMinutes(3),
        () -> deploymentSeen.containsKey(ns + "/after-failover"));
    put("failover_s", seconds(System.nanoTime() - start));

    log("kube-apiserver crash: kill -9 and start again");
    start = System.nanoTime();
    crashApiServer();
    put("apiserver_back_s", seconds(System.nanoTime() - start));
    long changeAt = System.nanoTime();
    client.resource(server(ns, "after-apiserver", ns)).create();
    await(
        "Deployment after API server restart",
        Duration.ofMinutes(3),
        () ->
            client.apps().deployments().inNamespace(ns).withName("after-apiserver").get() != null);
    put("apiserver_change_reconciled_s", seconds(System.nanoTime() - changeAt));
    put("operator_alive_after_apiserver", Boolean.toString(b.isAlive()));
  }

  /**
   * kill -9 of the operator while 20 Downloads are in flight (real downloader processes fetching
   * real bytes from a throttled origin, standing in for the pods KWOK does not run) and 200
   * ModelServers converge; a new process must finish all of them with one Job per run, one
   * Deployment per ModelServer, and no download starting over.
   */
  private void restart() throws Exception {
    String ns = "bench-restart-" + suffix;
    namespace(ns);
    node(ns, RESTART_SERVERS + 50);
    TestOrigin origin = TestOrigin.start();
    closeLast.add(origin);
    origin.rateLimit(512 << 10); // 192 s per file: all still in flight once the last has started
    Path root = Files.createTempDirectory("bench-restart-");
    Map<String, Set<String>> jobsByDownload = new ConcurrentHashMap<>();
    Map<String, Long> progressSeen = new ConcurrentHashMap<>();
    Set<String> regressions = ConcurrentHashMap.newKeySet();
    closeLast.add(
        inform(
            client.batch().v1().jobs().inNamespace(ns),
            job ->
                jobsByDownload
                    .computeIfAbsent(
                        job.getMetadata().getLabels().get("app.kubernetes.io/instance"),
                        k -> ConcurrentHashMap.newKeySet())
                    .add(job.getMetadata().getName())));
    closeLast.add(
        inform(
            client.resources(Download.class).inNamespace(ns),
            d -> {
              Long done =
                  d.getStatus() == null || d.getStatus().getProgress() == null
                      ? null
                      : d.getStatus().getProgress().getBytesDone();
              if (done != null && progressSeen.getOrDefault(d.getMetadata().getName(), 0L) > done) {
                regressions.add(d.getMetadata().getName());
              }
              if (done != null) {
                progressSeen.merge(d.getMetadata().getName(), done, Math::max);
              }
            }));

    log("restart: operator 1, " + RESTART_DOWNLOADS + " Downloads with their downloaders");
    OperatorProcess first = startOperator("restart-1", ns);
    await("operator 1 ready", Duration.ofMinutes(3), first::ready);
    List<String> downloads =
        IntStream.range(0, RESTART_DOWNLOADS).mapToObj(i -> "weights-" + i).toList();
    for (String name : downloads) {
      String url = origin.addFile(name + ".gguf", RESTART_FILE_BYTES);
      client.resource(download(ns, name, url, origin.sha256(name + ".gguf"))).create();
    }
    List<DownloaderProcess> downloaders = new ArrayList<>();
    // One at a time, each until it reports: 20 JVMs starting at once on 2 cores would measure the
    // machine.
    for (String name : downloads) {
      await("Job of " + name, Duration.ofMinutes(2), () -> jobsByDownload.containsKey(name));
      DownloaderProcess downloader = DownloaderProcess.start(kubeconfig, ns, name, root, Map.of());
      downloaders.add(downloader);
      closeLast.add(downloader);
      await(
          name + " in flight",
          Duration.ofMinutes(1),
          () -> progressSeen.getOrDefault(name, 0L) > 0);
    }

    log("restart: " + RESTART_SERVERS + " ModelServers, kill -9 of operator 1 while they converge");
    IntStream.range(0, RESTART_SERVERS)
        .parallel()
        .forEach(i -> client.resource(server(ns, "server-" + i, ns)).create());
    await(
        "a quarter of the Deployments",
        Duration.ofMinutes(3),
        () ->
            deploymentSeen.keySet().stream().filter(k -> k.startsWith(ns + "/")).count()
                >= RESTART_SERVERS / 4);
    first.kill();
    long killedAt = System.nanoTime();
    long inFlight =
        downloads.stream()
            .filter(d -> progressSeen.getOrDefault(d, 0L) < RESTART_FILE_BYTES)
            .count();
    put("restart_downloads_in_flight_at_kill", Long.toString(inFlight));
    put(
        "restart_deployments_at_kill",
        Long.toString(client.apps().deployments().inNamespace(ns).list().getItems().size()));
    OperatorProcess second = startOperator("restart-2", ns);

    await("every ModelServer Ready", LONG, () -> readyServers(ns) == RESTART_SERVERS);
    put("restart_servers_ready_s", seconds(System.nanoTime() - killedAt));
    await(
        "every Download Succeeded",
        LONG,
        () ->
            client.resources(Download.class).inNamespace(ns).list().getItems().stream()
                    .filter(
                        d ->
                            d.getStatus() != null
                                && d.getStatus().getPhase() == DownloadPhase.Succeeded)
                    .count()
                == RESTART_DOWNLOADS);
    put("restart_downloads_done_s", seconds(System.nanoTime() - killedAt));
    downloaders.forEach(d -> d.waitFor(Duration.ofMinutes(1)));

    List<Download> finished = client.resources(Download.class).inNamespace(ns).list().getItems();
    put(
        "restart_downloads_succeeded",
        finished.stream().filter(d -> d.getStatus().getPhase() == DownloadPhase.Succeeded).count()
            + "/"
            + RESTART_DOWNLOADS);
    put(
        "restart_runs_per_download_max",
        Integer.toString(
            finished.stream().mapToInt(d -> d.getStatus().getRuns().size()).max().orElse(0)));
    put(
        "restart_jobs_per_download_max",
        Integer.toString(jobsByDownload.values().stream().mapToInt(Set::size).max().orElse(0)));
    put("restart_progress_regressions", Integer.toString(regressions.size()));
    long fetched = downloads.stream().mapToLong(d -> origin.bytesSent(d + ".gguf")).sum();
    put(
        "restart_bytes_fetched_twice_mib",
        Long.toString((fetched - RESTART_DOWNLOADS * RESTART_FILE_BYTES) >> 20));
    List<Deployment> deployed = client.apps().deployments().inNamespace(ns).list().getItems();
    long owners =
        deployed.stream()
            .map(d -> d.getMetadata().getOwnerReferences().get(0).getUid())
            .distinct()
            .count();
    put(
        "restart_deployments",
        deployed.size() + "/" + RESTART_SERVERS + " (" + owners + " owners)");
    put("restart_operator_alive", Boolean.toString(second.isAlive()));
  }

  private void put(String key, int n, String value) {
    put(key + "@" + n, value);
  }

  /** Written at once, so that the figures measured so far survive a later failure. */
  private static void put(String key, String value) {
    try {
      Files.writeString(
          RESULTS, key + " " + value + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    log(key + " " + value);
  }

  /** Calls {@code seen} with every added and updated object. */
  private static <T extends HasMetadata> SharedIndexInformer<T> inform(
      Informable<T> objects, Consumer<T> seen) {
    return objects.inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(T object) {
            seen.accept(object);
          }

          @Override
          public void onUpdate(T before, T object) {
            seen.accept(object);
          }

          @Override
          public void onDelete(T object, boolean finalStateUnknown) {}
        });
  }

  private double createAndTime(String ns, String name) {
    Instant created = Instant.now();
    client.resource(server(ns, name, ns)).create();
    String key = ns + "/" + name;
    await("Deployment " + name, Duration.ofMinutes(2), () -> deploymentSeen.containsKey(key));
    return (double) Duration.between(created, deploymentSeen.get(key)).toMillis() / 1000;
  }

  /** An operator watching {@code ns}, its Lease there too. */
  private OperatorProcess startOperator(String podName, String ns) {
    List<String> jvmOptions =
        List.of(System.getenv().getOrDefault("BENCH_JVM_OPTIONS", "").trim().split("\\s+")).stream()
            .filter(o -> !o.isEmpty())
            .toList();
    OperatorProcess process = OperatorProcess.start(kubeconfig, podName, ns, ns, jvmOptions);
    operators.add(process);
    return process;
  }

  private void namespace(String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    namespaces.add(name);
  }

  private void deleteNamespace(String name) {
    client.namespaces().withName(name).delete();
    namespaces.remove(name);
  }

  /**
   * A KWOK node for the ModelServers of {@code ns} only (they select it by label), with room for
   * their pods.
   */
  private void node(String ns, int pods) {
    String name = "bench-node-" + ns;
    FakeNode.add(client, name, NODE_LABEL, ns, pods);
    nodes.add(name);
  }

  /**
   * Stops the fleet's operators and waits until its namespace is gone, so the next size starts from
   * quiet.
   */
  private void removeFleet(String ns, OperatorProcess leader) {
    log("removing " + ns);
    leader.close();
    deleteNamespace(ns);
    await(ns + " deleted", LONG, () -> client.namespaces().withName(ns).get() == null);
  }

  /**
   * cluster.sh's crash-apiserver: kill -9 of kube-apiserver, started again with the same command
   * line.
   */
  private static void crashApiServer() throws Exception {
    Process process =
        new ProcessBuilder("bash", "e2e/cluster/cluster.sh", "crash-apiserver")
            .directory(Path.of("..").toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("cluster.sh crash-apiserver failed");
    }
  }

  private String holder(String ns) {
    var lease = client.leases().inNamespace(ns).withName("llmfleet-operator-lock").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private long readyServers(String ns) {
    return client.resources(ModelServer.class).inNamespace(ns).list().getItems().stream()
        .filter(s -> s.getStatus() != null && s.getStatus().getPhase() == ModelServerPhase.Ready)
        .count();
  }

  private Map<String, String> resourceVersions(String ns) {
    Stream<HasMetadata> objects =
        Stream.concat(
            client.resources(ModelServer.class).inNamespace(ns).list().getItems().stream(),
            Stream.concat(
                client.apps().deployments().inNamespace(ns).list().getItems().stream(),
                client.services().inNamespace(ns).list().getItems().stream()));
    return objects.collect(
        Collectors.toMap(
            o -> o.getKind() + "/" + o.getMetadata().getName(),
            o -> o.getMetadata().getResourceVersion(),
            (x, y) -> x,
            TreeMap::new));
  }

  private long operatorEvents(String ns) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(
            e -> e.getSource() != null && "llmfleet-operator".equals(e.getSource().getComponent()))
        .count();
  }

  private static ObjectMeta copyMeta(ObjectMeta from, String name, String namespace) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(from.getLabels())
        .withAnnotations(from.getAnnotations())
        .build();
  }

  /** A small ModelServer on the bench node labelled {@code node}. */
  private static ModelServer server(String ns, String name, String node) {
    return SmallServer.onNodes(ns, name, NODE_LABEL, node);
  }

  private static Download download(String ns, String name, String url, String sha256) {
    Download download = new Download();
    download.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    download.setSpec(
        DownloadSpec.builder()
            .source(
                DownloadSource.builder()
                    .http(HttpSource.builder().url(url).sha256(sha256).build())
                    .build())
            .storage(Storage.builder().size(new Quantity("1Gi")).build())
            .build());
    return download;
  }

  private static long rssKib(long pid) throws Exception {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(l -> l.startsWith("VmRSS:"))
        .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
        .findFirst()
        .orElse(-1L);
  }

  /** Sum of jvm_memory_used_bytes{area="heap"} from /metrics. */
  private static long heapUsedBytes(OperatorProcess operator) {
    return operator
        .metrics()
        .map(
            text ->
                text.lines()
                    .filter(
                        l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum())
        .map(Double::longValue)
        .orElse(-1L);
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static String ms(double seconds) {
    return Long.toString(Math.round(seconds * 1000));
  }

  private static String seconds(long nanos) {
    return String.format("%.1f", nanos / 1e9);
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static void log(String message) {
    System.err.println("[bench] " + message);
  }

  private void cleanUp() {
    operators.forEach(OperatorProcess::close);
    for (AutoCloseable closeable : closeLast) {
      try {
        closeable.close();
      } catch (Exception e) {
        log("clean-up: " + e.getMessage());
      }
    }
    try {
      List.copyOf(namespaces).forEach(this::deleteNamespace);
      nodes.forEach(node -> FakeNode.remove(client, node));
    } catch (RuntimeException e) {
      log("clean-up: " + e.getMessage());
    }
  }
}
