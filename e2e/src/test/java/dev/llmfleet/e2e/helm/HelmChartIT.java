package dev.llmfleet.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.LlmFleetOperator;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart as a platform team installs it, and the operator running with the chart's ServiceAccount (not the
 * admin) against a namespace that enforces the restricted Pod Security level.
 */
@ExtendWith(LlmFleetExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmChartIT {

  private static final String CHART = Cluster.repoFile("helm/llmfleet-operator").toString();
  private static final String DOWNLOAD = """
      apiVersion: llmfleet.dev/v1alpha1
      kind: Download
      metadata: {name: weights}
      spec:
        source: {huggingFace: {repo: Qwen/Qwen2.5-0.5B-Instruct, include: ["*.safetensors", "*.json"]}}
        storage: {size: 10Gi}
      """;
  private static final String SERVER = """
      apiVersion: llmfleet.dev/v1alpha1
      kind: ModelServer
      metadata: {name: chat}
      spec:
        runtime: ollama
        model: {uri: "ollama://llama3.2:1b"}
        resources: {gpus: 0, cpu: "1", memory: 2Gi}
      """;

  private final TestNamespace namespace;
  private final Cluster cluster;
  private final String release;
  private final String restricted;
  private KubernetesClient operatorClient;
  private Operator operator;

  HelmChartIT(TestNamespace namespace) {
    this.namespace = namespace;
    this.cluster = namespace.cluster();
    // Contains the chart name, so the chart names its objects after the release alone.
    this.release = "llmfleet-operator-" + namespace.name().substring(namespace.name().lastIndexOf('-') + 1);
    this.restricted = namespace.name() + "-restricted";
  }

  @BeforeAll
  void restrictedNamespace() {
    namespace.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(restricted)
        .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
        .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
        .endMetadata().build()).create();
  }

  @AfterAll
  void cleanUp() {
    if (operator != null) {
      operator.stop();
    }
    cluster.helm("uninstall", release, "-n", namespace.name());
    namespace.client().namespaces().withName(restricted).delete();
  }

  @Test
  @Order(1)
  void lintsStrictly() {
    Cluster.Result lint = cluster.helm("lint", "--strict", CHART);

    assertThat(lint.exitCode()).as(lint.output()).isZero();
  }

  @Test
  @Order(2)
  void rendersManifestsTheApiServerAccepts() throws IOException {
    Cluster.Result rendered = cluster.helm("template", release, CHART, "-n", namespace.name());
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    Path manifests = Files.createTempFile("chart", ".yaml");
    Files.writeString(manifests, rendered.output());

    Cluster.Result dryRun = namespace.kubectl("apply", "--dry-run=server", "-f", manifests.toString());

    assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
  }

  @Test
  @Order(3)
  void rejectsAWrongValueType() {
    Cluster.Result wrong = cluster.helm("template", release, CHART, "--set", "operator.httpPort=eighty");

    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.output()).contains("operator/httpPort");
  }

  @Test
  @Order(4)
  void installsAndTheOperatorDeploymentBecomesAvailable() {
    Cluster.Result install = cluster.helm("install", release, CHART, "-n", namespace.name(), "--skip-crds",
        "--wait", "--timeout", "2m");

    assertThat(install.exitCode()).as(install.output()).isZero();
    var deployment = namespace.client().apps().deployments().inNamespace(namespace.name())
        .withName(release).get();
    assertThat(deployment.getStatus().getAvailableReplicas()).isEqualTo(1);
  }

  @Test
  @Order(5)
  void operatorWithTheChartsServiceAccountRunsDownloadsAndServersInARestrictedNamespace() throws IOException {
    operatorClient = clientFor(serviceAccountToken());
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of("LLMFLEET_NAMESPACES", restricted,
        "LLMFLEET_LEADER_ELECTION", "false", "LLMFLEET_IMAGE", "llmfleet/llmfleet-operator:e2e"));
    operator = LlmFleetOperator.create(operatorClient, config, new SimpleMeterRegistry(), o -> { });
    operator.start();

    apply(DOWNLOAD);
    apply(SERVER);

    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      assertThat(namespace.client().pods().inNamespace(restricted).withLabel("job-name", "weights-run-1").list()
          .getItems()).as("the download pod was admitted").hasSize(1);
      ModelServer server = namespace.client().resources(ModelServer.class).inNamespace(restricted)
          .withName("chat").get();
      assertThat(server.getStatus()).as("status of ModelServer chat").isNotNull();
      assertThat(server.getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready);
    });
    List<Event> events = namespace.client().v1().events().inNamespace(restricted).list().getItems();
    assertThat(events).noneSatisfy(e -> assertThat(e.getReason()).isIn("FailedCreate", "Forbidden"));
    assertThat(events).noneSatisfy(e -> assertThat(e.getMessage()).contains("forbidden"));
    assertThat(operatorLogLinesAbout(restricted)).noneSatisfy(line -> assertThat(line).containsIgnoringCase("forbidden"));
  }

  @Test
  @Order(6)
  void reapplyingUnchangedManifestsChangesNothing() {
    await().atMost(Duration.ofSeconds(30)).until(() -> settled("chat"));
    ModelServer before = namespace.client().resources(ModelServer.class).inNamespace(restricted)
        .withName("chat").get();
    Download downloadBefore = namespace.client().resources(Download.class).inNamespace(restricted)
        .withName("weights").get();

    apply(SERVER);
    apply(DOWNLOAD);

    ModelServer after = namespace.client().resources(ModelServer.class).inNamespace(restricted)
        .withName("chat").get();
    Download downloadAfter = namespace.client().resources(Download.class).inNamespace(restricted)
        .withName("weights").get();
    assertThat(after.getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(downloadAfter.getMetadata().getGeneration()).isEqualTo(downloadBefore.getMetadata().getGeneration());
  }

  @Test
  @Order(7)
  void upgradeWithChangedValuesRollsTheOperator() {
    long generation = namespace.client().apps().deployments().inNamespace(namespace.name()).withName(release).get()
        .getMetadata().getGeneration();

    Cluster.Result upgrade = cluster.helm("upgrade", release, CHART, "-n", namespace.name(), "--skip-crds",
        "--set", "operator.logFormat=json");

    assertThat(upgrade.exitCode()).as(upgrade.output()).isZero();
    assertThat(namespace.client().apps().deployments().inNamespace(namespace.name()).withName(release).get()
        .getMetadata().getGeneration()).isGreaterThan(generation);
  }

  private static List<String> operatorLogLinesAbout(String text) throws IOException {
    try (var lines = Files.lines(Path.of("target", "operator.log"))) {
      return lines.filter(line -> line.contains(text)).toList();
    }
  }

  private boolean settled(String server) {
    ModelServer current = namespace.client().resources(ModelServer.class).inNamespace(restricted).withName(server)
        .get();
    return current.getStatus() != null
        && current.getMetadata().getGeneration().equals(current.getStatus().getObservedGeneration())
        && current.getStatus().getPhase() == ModelServerPhase.Ready;
  }

  /** kubectl apply --server-side into the restricted namespace, as Argo CD or Flux do. */
  private void apply(String manifest) {
    try {
      Path file = Files.createTempFile("manifest", ".yaml");
      Files.writeString(file, manifest);
      Cluster.Result applied = cluster.kubectl("apply", "--server-side", "-n", restricted, "-f", file.toString());
      assertThat(applied.exitCode()).as(applied.output()).isZero();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private String serviceAccountToken() {
    Cluster.Result token = namespace.kubectl("create", "token", release, "--duration=1h");
    assertThat(token.exitCode()).as(token.output()).isZero();
    return token.output().strip();
  }

  /** The admin kubeconfig's server and CA, but the ServiceAccount's token instead of the admin certificate. */
  private KubernetesClient clientFor(String token) {
    Config admin = namespace.client().getConfiguration();
    Config config = new ConfigBuilder()
        .withMasterUrl(admin.getMasterUrl())
        .withCaCertData(admin.getCaCertData())
        .withCaCertFile(admin.getCaCertFile())
        .withOauthToken(token)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
