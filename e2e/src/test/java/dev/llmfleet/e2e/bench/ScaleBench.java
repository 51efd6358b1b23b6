package dev.llmfleet.e2e.bench;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.e2e.support.OperatorProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The scale and fault benchmark of e2e/bench/scale-bench.sh (not a test): against the local control plane whose
 * kubeconfig is in KUBECONFIG and whose state is in LLMFLEET_CLUSTER_DIR, with the operator jar run as processes.
 * Prints "key value" lines on stdout for the script to tabulate; progress goes to stderr.
 *
 * <p>Arguments: N (ModelServers, default 100).
 */
public final class ScaleBench {

  private static final String NODE_LABEL = "llmfleet.dev/bench";
  private static final Duration LONG = Duration.ofMinutes(30);

  private final KubernetesClient client = new KubernetesClientBuilder().build();
  private final Path kubeconfig = Path.of(System.getenv("KUBECONFIG"));
  private final Path clusterDir = Path.of(System.getenv("LLMFLEET_CLUSTER_DIR"));
  private final int n;
  private final String suffix = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
  private final String ns = "bench-fleet-" + suffix;
  private final String direct = "bench-direct-" + suffix;
  private final String node = "bench-node-" + suffix;
  private final Map<String, String> results = new LinkedHashMap<>();
  private final Map<String, Instant> deploymentSeen = new ConcurrentHashMap<>();
  private final List<OperatorProcess> operators = new ArrayList<>();

  private ScaleBench(int n) {
    this.n = n;
  }

  public static void main(String[] args) throws Exception {
    ScaleBench bench = new ScaleBench(args.length > 0 ? Integer.parseInt(args[0]) : 100);
    try {
      bench.run();
    } finally {
      bench.cleanUp();
    }
    System.exit(0);
  }

  private void run() throws Exception {
    for (String name : List.of(ns, direct)) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
    Map<String, Quantity> capacity = Map.of("cpu", new Quantity("1000"), "memory", new Quantity("4Ti"),
        "pods", new Quantity(Integer.toString(2 * n + 50)));
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
        .addToAnnotations("kwok.x-k8s.io/node", "fake").addToLabels("type", "kwok").addToLabels(NODE_LABEL, "true")
        .endMetadata().withNewStatus().withCapacity(capacity).withAllocatable(capacity).endStatus().build())
        .create();

    Watch watch = client.apps().deployments().inNamespace(ns).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Deployment d) {
        deploymentSeen.putIfAbsent(d.getMetadata().getName(), Instant.now());
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });

    log("starting operator A");
    long start = System.nanoTime();
    OperatorProcess a = startOperator("bench-a");
    await("operator A ready", Duration.ofMinutes(3), a::ready);
    put("startup_to_ready_s", seconds(System.nanoTime() - start));
    await("operator A leads", Duration.ofMinutes(1), () -> "bench-a".equals(holder()));

    log("idle latency: 20 ModelServers one at a time");
    List<Double> idle = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      idle.add(createAndTime("idle-" + i));
    }
    put("latency_idle_p50_ms", ms(percentile(idle, 50)));
    put("latency_idle_p99_ms", ms(percentile(idle, 99)));

    log("convergence of " + n + " ModelServers");
    Map<String, Instant> created = new ConcurrentHashMap<>();
    start = System.nanoTime();
    IntStream.range(0, n).parallel().forEach(i -> {
      String name = "fleet-" + i;
      created.put(name, Instant.now());
      client.resource(server(name)).create();
    });
    await(n + " ModelServers Ready", LONG, () -> readyServers() >= n + 20);
    long operatorNanos = System.nanoTime() - start;
    put("converge_operator_s", seconds(operatorNanos));
    List<Double> load = created.entrySet().stream().map(e -> (double) Duration.between(e.getValue(),
        deploymentSeen.getOrDefault(e.getKey(), Instant.now())).toMillis() / 1000).toList();
    put("latency_load_p50_ms", ms(percentile(load, 50)));
    put("latency_load_p99_ms", ms(percentile(load, 99)));

    log("footprint after convergence");
    put("operator_rss_mib", Long.toString(rssKib(a.pid()) / 1024));
    put("operator_heap_used_mib", Long.toString(heapUsedBytes(a) / (1024 * 1024)));

    log("steady state: one minute");
    Map<String, String> before = resourceVersions();
    long eventsBefore = operatorEvents();
    TimeUnit.SECONDS.sleep(60);
    Map<String, String> after = resourceVersions();
    long changed = before.entrySet().stream().filter(e -> !e.getValue().equals(after.get(e.getKey()))).count();
    put("steady_objects_checked", Integer.toString(before.size()));
    put("steady_writes_per_min", Long.toString(changed + operatorEvents() - eventsBefore));

    log("direct baseline: " + n + " Deployments and Services");
    Deployment template = client.apps().deployments().inNamespace(ns).withName("fleet-0").get();
    Service serviceTemplate = client.services().inNamespace(ns).withName("fleet-0").get();
    start = System.nanoTime();
    IntStream.range(0, n).parallel().forEach(i -> {
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
    await(n + " Deployments available", LONG, () -> client.apps().deployments().inNamespace(direct).list()
        .getItems().stream().filter(d -> d.getStatus() != null && d.getStatus().getAvailableReplicas() != null
            && d.getStatus().getAvailableReplicas() >= 1).count() >= n);
    long directNanos = System.nanoTime() - start;
    put("converge_direct_s", seconds(directNanos));
    put("converge_ratio", String.format("%.2f", (double) operatorNanos / directNanos));

    log("failover: a second operator, kill -9 the leader");
    OperatorProcess b = startOperator("bench-b");
    await("operator B ready", Duration.ofMinutes(3), b::ready);
    a.kill();
    start = System.nanoTime();
    client.resource(server("after-failover")).create();
    await("Deployment after failover", Duration.ofMinutes(3), () -> deploymentSeen.containsKey("after-failover"));
    put("failover_s", seconds(System.nanoTime() - start));

    log("kube-apiserver restart");
    watch.close();
    restartApiServer();
    start = System.nanoTime();
    await("API server answers", Duration.ofMinutes(3), this::apiServerAnswers);
    put("apiserver_back_s", seconds(System.nanoTime() - start));
    long changeAt = System.nanoTime();
    client.resource(server("after-apiserver")).create();
    await("Deployment after API server restart", Duration.ofMinutes(3),
        () -> client.apps().deployments().inNamespace(ns).withName("after-apiserver").get() != null);
    put("apiserver_change_reconciled_s", seconds(System.nanoTime() - changeAt));
    put("operator_alive_after_apiserver", Boolean.toString(b.isAlive()));
  }

  /** Printed at once, so that the figures measured so far survive a later failure. */
  private void put(String key, String value) {
    results.put(key, value);
    System.out.println(key + " " + value);
    System.out.flush();
  }

  private double createAndTime(String name) {
    Instant created = Instant.now();
    client.resource(server(name)).create();
    await("Deployment " + name, Duration.ofMinutes(2), () -> deploymentSeen.containsKey(name));
    return (double) Duration.between(created, deploymentSeen.get(name)).toMillis() / 1000;
  }

  private OperatorProcess startOperator(String podName) {
    List<String> jvmOptions = List.of(System.getenv().getOrDefault("BENCH_JVM_OPTIONS", "").trim().split("\\s+"))
        .stream().filter(o -> !o.isEmpty()).toList();
    OperatorProcess process = OperatorProcess.start(kubeconfig, podName, ns, ns, jvmOptions);
    operators.add(process);
    return process;
  }

  /** Kills kube-apiserver and starts it again with the same command line, as cluster.sh started it. */
  private void restartApiServer() throws Exception {
    Path pidFile = clusterDir.resolve("pids/kube-apiserver.pid");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
    String[] args = Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0");
    // SIGKILL, as a crash of its host would: a graceful stop drains watches for a minute or more.
    handle.destroyForcibly();
    Path proc = Path.of("/proc/" + pid + "/stat");
    await("kube-apiserver gone", Duration.ofMinutes(2), () -> {
      try {
        return !Files.exists(proc) || Files.readString(proc).matches("(?s)\\d+ \\(.*\\) Z .*");
      } catch (java.io.IOException e) {
        return true;
      }
    });
    // The leader thread shows as a zombie before the other threads have closed the listening socket.
    int port = Stream.of(args).filter(a -> a.startsWith("--secure-port=")).map(a -> a.substring(14))
        .mapToInt(Integer::parseInt).findFirst().orElseThrow();
    await("port " + port + " free", Duration.ofMinutes(1), () -> {
      try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return true;
      } catch (java.io.IOException e) {
        return false;
      }
    });
    List<String> command = new ArrayList<>();
    command.add("setsid");
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(clusterDir.resolve("logs/kube-apiserver.log").toFile()))
        .redirectErrorStream(true).start();
    Files.writeString(pidFile, process.pid() + "\n");
  }

  private boolean apiServerAnswers() {
    try {
      return client.namespaces().withName(ns).get() != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private String holder() {
    var lease = client.leases().inNamespace(ns).withName("llmfleet-operator-lock").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private long readyServers() {
    return client.resources(ModelServer.class).inNamespace(ns).list().getItems().stream()
        .filter(s -> s.getStatus() != null && s.getStatus().getPhase() == ModelServerPhase.Ready).count();
  }

  private Map<String, String> resourceVersions() {
    Stream<HasMetadata> objects = Stream.concat(
        client.resources(ModelServer.class).inNamespace(ns).list().getItems().stream(), Stream.concat(
            client.apps().deployments().inNamespace(ns).list().getItems().stream(),
            client.services().inNamespace(ns).list().getItems().stream()));
    return objects.collect(Collectors.toMap(o -> o.getKind() + "/" + o.getMetadata().getName(),
        o -> o.getMetadata().getResourceVersion(), (x, y) -> x, TreeMap::new));
  }

  private long operatorEvents() {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> e.getSource() != null && "llmfleet-operator".equals(e.getSource().getComponent())).count();
  }

  private static ObjectMeta copyMeta(ObjectMeta from, String name, String namespace) {
    return new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(from.getLabels())
        .withAnnotations(from.getAnnotations()).build();
  }

  private ModelServer server(String name) {
    ModelServer server = new ModelServer();
    server.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    server.setSpec(ModelServerSpec.builder()
        .runtime(Runtime.LLAMA_CPP)
        .model(ModelSource.builder().uri("hf://bartowski/Llama-3.2-1B-Instruct-GGUF").build())
        .resources(Resources.builder().gpus(0).cpu(new Quantity("10m")).memory(new Quantity("16Mi")).build())
        .nodeSelector(Map.of(NODE_LABEL, "true"))
        .build());
    return server;
  }

  private static long rssKib(long pid) throws Exception {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
        .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1L);
  }

  /** Sum of jvm_memory_used_bytes{area="heap"} from /metrics. */
  private static long heapUsedBytes(OperatorProcess operator) {
    return operator.metrics().map(text -> text.lines()
        .filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum())
        .map(Double::longValue).orElse(-1L);
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
    try {
      client.namespaces().withName(ns).delete();
      client.namespaces().withName(direct).delete();
      client.nodes().withName(node).delete();
    } catch (RuntimeException e) {
      log("clean-up: " + e.getMessage());
    }
  }
}
