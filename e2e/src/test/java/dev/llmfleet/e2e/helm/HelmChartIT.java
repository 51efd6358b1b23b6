package dev.llmfleet.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.LlmFleetOperator;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.download.DownloadResources;
import dev.llmfleet.e2e.support.AuditLog;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.Models;
import dev.llmfleet.e2e.support.OperatorProcess;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart as a platform team installs it, and the operator running with the chart's
 * ServiceAccount (not the admin) against a namespace that enforces the restricted Pod Security
 * level: Download, ModelServer and FineTuneJob pods are all admitted there. Then two operator
 * processes with that ServiceAccount, as two replicas of the chart's Deployment, share the Lease in
 * the release namespace. Last, the API server's audit log of all this shows that the chart grants
 * exactly the verbs the operator used, on a cluster that also enforces owner-reference permissions
 * (OwnerReferencesPermissionEnforcement, as OpenShift does).
 */
@ExtendWith(LlmFleetExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmChartIT {

  private static final String CHART = Cluster.repoFile("helm/llmfleet-operator").toString();
  private static final String DOWNLOAD =
      """
      apiVersion: llmfleet.dev/v1alpha1
      kind: Download
      metadata: {name: weights}
      spec:
        source: {huggingFace: {repo: Qwen/Qwen2.5-0.5B-Instruct, include: ["*.safetensors", "*.json"]}}
        storage: {size: 10Gi}
      """;

  /**
   * Never reports progress (no downloader runs on KWOK's nodes): stopped after its stall timeout,
   * failed for good, its run collected at once and its folder removed.
   */
  private static final String STALLED_DOWNLOAD =
      """
      apiVersion: llmfleet.dev/v1alpha1
      kind: Download
      metadata: {name: stalled}
      spec:
        source: {http: {url: "http://127.0.0.1:9/stalled"}}
        storage: {size: 1Gi}
        stallTimeoutSeconds: 30
        backoffLimit: 0
        gc: {ttlSecondsAfterFailure: 0, deletePartialData: true}
      """;

  /** KWOK's chaos stage fails a running pod with this label. */
  private static final String FAIL = "pod-container-running-failed.stage.kwok.x-k8s.io";

  private static final String LEASE = "llmfleet-operator-lock";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final TestNamespace namespace;
  private final Cluster cluster;
  private final String release;
  private TestNamespace restricted;
  private Operator operator;
  private final List<OperatorProcess> replicas = new ArrayList<>();

  HelmChartIT(TestNamespace namespace) {
    this.namespace = namespace;
    this.cluster = namespace.cluster();
    // Contains the chart name, so the chart names its objects after the release alone.
    this.release =
        "llmfleet-operator-" + namespace.name().substring(namespace.name().lastIndexOf('-') + 1);
  }

  @BeforeAll
  void restrictedNamespace() {
    restricted =
        namespace.sibling(
            "restricted",
            Map.of(
                "pod-security.kubernetes.io/enforce",
                "restricted",
                "pod-security.kubernetes.io/enforce-version",
                "latest"));
  }

  @AfterAll
  void cleanUp() {
    if (operator != null) {
      operator.stop();
    }
    replicas.forEach(OperatorProcess::close);
    cluster.helm("uninstall", release, "-n", namespace.name());
    restricted.delete();
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

    Cluster.Result dryRun =
        namespace.kubectl("apply", "--dry-run=server", "-f", manifests.toString());

    assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
  }

  @Test
  @Order(3)
  void rejectsAWrongValueType() {
    Cluster.Result wrong =
        cluster.helm("template", release, CHART, "--set", "operator.httpPort=eighty");

    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.output()).contains("operator/httpPort");
  }

  @Test
  @Order(4)
  void rendersTwoReplicasWithLeaderElectionOnALeaseInTheReleaseNamespace() {
    Cluster.Result rendered =
        cluster.helm("template", release, CHART, "-n", namespace.name(), "--set", "replicaCount=2");
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();

    List<HasMetadata> objects =
        namespace
            .client()
            .load(new ByteArrayInputStream(rendered.output().getBytes(StandardCharsets.UTF_8)))
            .items();
    Deployment deployment =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("LLMFLEET_LEADER_ELECTION");
              assertThat(env.getValue()).isEqualTo("true");
            });
    assertThat(objects)
        .filteredOn(Role.class::isInstance)
        .map(Role.class::cast)
        .anySatisfy(
            role -> {
              assertThat(role.getMetadata().getNamespace()).isEqualTo(namespace.name());
              assertThat(role.getRules())
                  .anySatisfy(rule -> assertThat(rule.getResources()).contains("leases"));
            });
  }

  @Test
  @Order(4)
  void rendersVaultWithThePerNamespaceIdentityAndMayRequestServiceAccountTokens() {
    Cluster.Result rendered =
        cluster.helm(
            "template",
            release,
            CHART,
            "-n",
            namespace.name(),
            "--set",
            "vault.address=https://vault.vault:8200",
            "--set",
            "vault.role=llmfleet-{namespace}");
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();

    List<HasMetadata> objects =
        namespace
            .client()
            .load(new ByteArrayInputStream(rendered.output().getBytes(StandardCharsets.UTF_8)))
            .items();
    Deployment deployment =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .contains(
            tuple("LLMFLEET_VAULT_IDENTITY", "namespace"),
            tuple("LLMFLEET_VAULT_ROLE", "llmfleet-{namespace}"),
            tuple("LLMFLEET_VAULT_SERVICE_ACCOUNT", "llmfleet-vault"),
            tuple("LLMFLEET_VAULT_AUDIENCE", "vault"),
            tuple("LLMFLEET_VAULT_PATH_TEMPLATE", ""));
    assertThat(objects)
        .filteredOn(ClusterRole.class::isInstance)
        .map(ClusterRole.class::cast)
        .anySatisfy(
            role ->
                assertThat(role.getRules())
                    .anySatisfy(
                        rule -> {
                          assertThat(rule.getResources()).containsExactly("serviceaccounts/token");
                          assertThat(rule.getVerbs()).containsExactly("create");
                        }));

    Cluster.Result wrong = cluster.helm("template", release, CHART, "--set", "vault.identity=pod");
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.output()).contains("vault/identity");
  }

  @Test
  @Order(5)
  void installsAndTheOperatorDeploymentBecomesAvailable() {
    Cluster.Result install =
        cluster.helm(
            "install",
            release,
            CHART,
            "-n",
            namespace.name(),
            "--skip-crds",
            "--wait",
            "--timeout",
            "2m");

    assertThat(install.exitCode()).as(install.output()).isZero();
    var deployment = namespace.get(release, Deployment.class);
    assertThat(deployment.getStatus().getAvailableReplicas()).isEqualTo(1);
  }

  @Test
  @Order(6)
  void operatorWithTheChartsServiceAccountRunsDownloadsAndServersInARestrictedNamespace()
      throws IOException {
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "LLMFLEET_NAMESPACES",
                restricted.name(),
                "LLMFLEET_LEADER_ELECTION",
                "false",
                "LLMFLEET_IMAGE",
                "llmfleet/llmfleet-operator:e2e"));
    operator =
        LlmFleetOperator.create(
            clientFor(serviceAccountToken()), config, new SimpleMeterRegistry(), o -> {});
    operator.start();

    restricted.apply(DOWNLOAD);
    restricted.apply(STALLED_DOWNLOAD);
    restricted.apply(server("chat"));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(restricted.podsOfJob("weights-run-1"))
                  .as("the download pod was admitted")
                  .hasSize(1);
              ModelServer server = restricted.get("chat", ModelServer.class);
              assertThat(server.getStatus()).as("status of ModelServer chat").isNotNull();
              assertThat(server.getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready);
            });
    assertNothingForbidden();
  }

  @Test
  @Order(7)
  void trainerAndCleanupPodsAreAdmittedInTheRestrictedNamespace() throws IOException {
    restricted.apply(httpDownload("base"));
    restricted.apply(httpDownload("tickets"));
    for (String download : List.of("base", "tickets")) {
      await().atMost(TIMEOUT).until(() -> restricted.get(download + "-run-1", Job.class) != null);
      DownloaderReports.verified(restricted, download, download + "-run-1");
    }
    restricted.apply(fineTuneJob("tuned", ""));
    // KWOK fails its pod at once; with no retries and nothing kept, the failed run is collected by
    // a cleanup Job.
    restricted.apply(
        fineTuneJob(
            "failing",
            """
          backoffLimit: 0
          gc: {ttlSecondsAfterFailure: 0, keepFailedRuns: 0}
          podMetadata:
            labels: {%s: "true"}
            annotations: {%s/reason: OOMKilled}
        """
                .formatted(FAIL, FAIL)));

    await()
        .atMost(TIMEOUT.multipliedBy(2))
        .untilAsserted(
            () -> {
              FineTuneJob tuned = restricted.get("tuned", FineTuneJob.class);
              assertThat(tuned.getStatus()).as("status of FineTuneJob tuned").isNotNull();
              assertThat(tuned.getStatus().getPhase()).isEqualTo(FineTuneJobPhase.Succeeded);
              assertThat(podsCreatedBy("tuned-train-1")).as("the trainer pod was admitted").isOne();
              assertThat(podsCreatedBy("failing-cleanup-1"))
                  .as("the cleanup pod was admitted")
                  .isOne();
            });
    assertThat(restricted.podsOfJob("tuned-train-1"))
        .singleElement()
        .satisfies(
            pod -> {
              assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-h100-0");
              assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
            });
    assertNothingForbidden();
  }

  /**
   * The stalled run is stopped (get and patch of its Job), collected (delete) and cleaned up by a
   * tokenless pod.
   */
  @Test
  @Order(8)
  void aStalledDownloadIsStoppedCollectedAndCleanedUpByAPodWithoutToken() throws IOException {
    await()
        .atMost(TIMEOUT.multipliedBy(2))
        .untilAsserted(
            () -> {
              Download stalled = restricted.get("stalled", Download.class);
              assertThat(stalled.getStatus()).as("status of Download stalled").isNotNull();
              assertThat(stalled.getStatus().getPhase()).isEqualTo(DownloadPhase.Failed);
              assertThat(restricted.get("stalled-run-1", Job.class))
                  .as("the collected run's Job")
                  .isNull();
              assertThat(podsCreatedBy("stalled-cleanup"))
                  .as("the cleanup pod was admitted")
                  .isOne();
            });
    Job cleanup = restricted.get("stalled-cleanup", Job.class);
    if (cleanup != null) {
      assertThat(cleanup.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
          .isFalse();
    }
    assertNothingForbidden();
  }

  /**
   * A server's secrets: the named Secret read, the server's own applied, and deleted once
   * spec.secrets is empty.
   */
  @Test
  @Order(9)
  void aServersSecretIsSyncedAndRemovedWhenItsSecretsAreEmptied() throws IOException {
    restricted
        .client()
        .secrets()
        .inNamespace(restricted.name())
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("api-key")
                .endMetadata()
                .addToStringData("token", "not-a-real-token")
                .build())
        .create();
    restricted.apply(
        server("keyed")
            + """
          secrets: [{name: API_KEY, secretKeyRef: {name: api-key, key: token}}]
        """);
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(secretsOwnedBy("keyed")).hasSize(1));

    restricted.apply(server("keyed"));

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(secretsOwnedBy("keyed")).isEmpty());
    assertNothingForbidden();
  }

  /** A server whose model stops fitting (spec.fitCheck turned on) loses its Deployment. */
  @Test
  @Order(10)
  void aServerWhoseModelStopsFittingLosesItsDeployment() throws IOException {
    restricted.apply(httpDownload("llama"));
    await().atMost(TIMEOUT).until(() -> restricted.get("llama-run-1", Job.class) != null);
    DownloaderReports.verified(
        restricted,
        "llama",
        "llama-run-1",
        Models.LLAMA_31_70B.getWeightsBytes(),
        Models.LLAMA_31_70B);
    restricted.apply(vllmServer("too-big", false));
    await().atMost(TIMEOUT).until(() -> restricted.get("too-big", Deployment.class) != null);

    restricted.apply(vllmServer("too-big", true));

    await().atMost(TIMEOUT).until(() -> restricted.get("too-big", Deployment.class) == null);
    assertNothingForbidden();
  }

  @Test
  @Order(11)
  void reapplyingUnchangedManifestsChangesNothing() {
    await().atMost(Duration.ofSeconds(30)).until(() -> settled("chat"));
    ModelServer before = restricted.get("chat", ModelServer.class);
    Download downloadBefore = restricted.get("weights", Download.class);

    restricted.apply(server("chat"));
    restricted.apply(DOWNLOAD);

    ModelServer after = restricted.get("chat", ModelServer.class);
    Download downloadAfter = restricted.get("weights", Download.class);
    assertThat(after.getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(downloadAfter.getMetadata().getGeneration())
        .isEqualTo(downloadBefore.getMetadata().getGeneration());
  }

  @Test
  @Order(12)
  void upgradeWithChangedValuesRollsTheOperator() {
    long generation = namespace.get(release, Deployment.class).getMetadata().getGeneration();

    Cluster.Result upgrade =
        cluster.helm(
            "upgrade",
            release,
            CHART,
            "-n",
            namespace.name(),
            "--skip-crds",
            "--set",
            "operator.logFormat=json");

    assertThat(upgrade.exitCode()).as(upgrade.output()).isZero();
    assertThat(namespace.get(release, Deployment.class).getMetadata().getGeneration())
        .isGreaterThan(generation);
  }

  /**
   * Two replicas as the chart runs them: the jar out of cluster with the chart's ServiceAccount
   * token and POD_NAMESPACE the release namespace, where the chart's Role lets them hold the Lease.
   */
  @Test
  @Order(13)
  void twoReplicasWithTheChartsRbacShareOneLeaseAndTheSurvivorTakesOver() throws IOException {
    // Only the two replicas reconcile from here on: the in-process operator of the scenarios above
    // would be a third.
    operator.stop();
    operator = null;
    Path kubeconfig = kubeconfigFor(serviceAccountToken());
    for (String name : List.of("operator-a", "operator-b")) {
      replicas.add(
          OperatorProcess.start(
              kubeconfig, name, namespace.name(), restricted.name(), List.of("-Xmx256m")));
    }
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () ->
                assertThat(replicas)
                    .allSatisfy(
                        replica ->
                            assertThat(replica.ready())
                                .as("%s ready; log:%n%s", replica.name(), replica.log())
                                .isTrue()));
    String leader =
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                this::leaseHolder,
                holder -> "operator-a".equals(holder) || "operator-b".equals(holder));
    restricted.apply(server("before"));
    await().atMost(TIMEOUT).until(() -> restricted.get("before", Deployment.class) != null);

    OperatorProcess killed =
        replicas.stream().filter(r -> r.name().equals(leader)).findFirst().orElseThrow();
    OperatorProcess survivor = replicas.stream().filter(r -> r != killed).findFirst().orElseThrow();
    assertThat(survivor.log()).as("only %s leads", leader).doesNotContain("is the leader now");
    killed.kill();
    restricted.apply(server("after"));

    // The dead leader's Lease has to expire before the survivor may take it.
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(restricted.get("after", Deployment.class) != null)
                    .as(
                        "Deployment of the ModelServer created after the kill; survivor log:%n%s",
                        survivor.log())
                    .isTrue());
    assertThat(leaseHolder()).isEqualTo(survivor.name());
    assertThat(survivor.isAlive()).isTrue();
    assertThat(replicas)
        .allSatisfy(
            replica ->
                assertThat(replica.log())
                    .as("log of %s", replica.name())
                    .doesNotContainIgnoringCase("forbidden"));
  }

  /**
   * The chart's rules against the API server's audit log of everything above: no request of the
   * chart's ServiceAccount was refused, and each verb that a rule grants was used, except those the
   * operator must hold only to grant them to download pods (RBAC lets no one grant what it does not
   * hold), and those the OwnerReferencesPermissionEnforcement admission plugin of the test cluster
   * checks, not the requests (update on the owners' finalizers for every owned object the operator
   * made, delete on a claim whose owners change), and update on leases, which JOSDK's leader
   * election asks to hold before it starts, and the Vault identity's TokenRequests, with Vault off
   * here.
   */
  @Test
  @Order(14)
  void theChartGrantsExactlyTheVerbsTheOperatorUsed() {
    Path auditLog = AuditLog.of(cluster).orElse(null);
    Assumptions.assumeTrue(auditLog != null, "only the local control plane keeps an audit log");
    String user = "system:serviceaccount:" + namespace.name() + ":" + release;
    List<AuditLog.Request> requests = AuditLog.requestsOf(auditLog, user);
    assertThat(requests).as("requests of %s in %s", user, auditLog).isNotEmpty();

    assertThat(requests).as("requests refused by RBAC").noneMatch(r -> r.code() == 403);

    List<HasMetadata> rendered = renderedChart();
    List<PolicyRule> granted = new ArrayList<>();
    rendered.stream()
        .filter(ClusterRole.class::isInstance)
        .map(ClusterRole.class::cast)
        .forEach(role -> granted.addAll(role.getRules()));
    rendered.stream()
        .filter(Role.class::isInstance)
        .map(Role.class::cast)
        .forEach(role -> granted.addAll(role.getRules()));
    List<String> grantedOnlyToGrant =
        AuditLog.unused(
            DownloadResources.role(restricted.get("weights", Download.class)).getRules(),
            List.of());
    List<String> finalizers =
        granted.stream()
            .flatMap(
                rule ->
                    rule.getResources().stream()
                        .filter(r -> r.endsWith("/finalizers"))
                        .map(r -> "update " + rule.getApiGroups().get(0) + "/" + r))
            .toList();
    assertThat(finalizers)
        .as("update on the owners' finalizers")
        .containsExactlyInAnyOrder(
            "update llmfleet.dev/downloads/finalizers",
            "update llmfleet.dev/modelservers/finalizers",
            "update llmfleet.dev/finetunejobs/finalizers");

    // OwnerReferencesPermissionEnforcement asks for it when the owners of a claim change (a
    // ModelServer co-owns
    // the claim of its Download): no request of its own.
    List<String> checkedByAdmission = concat(finalizers, List.of("delete persistentvolumeclaims"));

    // JOSDK's leader election refuses to start unless a SelfSubjectRulesReview shows get, create
    // and update on
    // leases, though the client renews the Lease with a patch.
    List<String> demandedAtStartup = List.of("update coordination.k8s.io/leases");
    // Only with Vault (LLMFLEET_VAULT_ADDR), which this scenario leaves off: the Vault tests use
    // it.
    List<String> vaultOnly = List.of("create serviceaccounts/token");
    assertThat(requests).anyMatch(r -> r.resource().equals("selfsubjectrulesreviews"));

    assertThat(AuditLog.unused(granted, requests))
        .as(
            "granted but never used; the requests were:%n%s",
            String.join(
                "\n",
                requests.stream().map(AuditLog.Request::toString).distinct().sorted().toList()))
        .isSubsetOf(
            concat(
                concat(grantedOnlyToGrant, checkedByAdmission),
                concat(demandedAtStartup, vaultOnly)));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private List<HasMetadata> renderedChart() {
    Cluster.Result rendered = cluster.helm("template", release, CHART, "-n", namespace.name());
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    return namespace
        .client()
        .load(new ByteArrayInputStream(rendered.output().getBytes(StandardCharsets.UTF_8)))
        .items();
  }

  private List<Secret> secretsOwnedBy(String owner) {
    return restricted.client().secrets().inNamespace(restricted.name()).list().getItems().stream()
        .filter(
            secret ->
                secret.getMetadata().getOwnerReferences().stream()
                    .anyMatch(
                        ref -> ref.getName().equals(owner) && ref.getKind().equals("ModelServer")))
        .toList();
  }

  /**
   * No pod refused by admission, no API call refused by RBAC, in events or in the operator's log.
   */
  private void assertNothingForbidden() throws IOException {
    List<Event> events =
        restricted.client().v1().events().inNamespace(restricted.name()).list().getItems();
    assertThat(events)
        .noneSatisfy(e -> assertThat(e.getReason()).isIn("FailedCreate", "Forbidden"));
    assertThat(events).noneSatisfy(e -> assertThat(e.getMessage()).contains("forbidden"));
    assertThat(operatorLogLinesAbout(restricted.name()))
        .noneSatisfy(line -> assertThat(line).containsIgnoringCase("forbidden"));
  }

  private static List<String> operatorLogLinesAbout(String text) throws IOException {
    try (var lines = Files.lines(Path.of("target", "operator.log"))) {
      return lines.filter(line -> line.contains(text)).toList();
    }
  }

  private boolean settled(String server) {
    ModelServer current = restricted.get(server, ModelServer.class);
    return current.getStatus() != null
        && current.getMetadata().getGeneration().equals(current.getStatus().getObservedGeneration())
        && current.getStatus().getPhase() == ModelServerPhase.Ready;
  }

  /**
   * Pods the Job controller created for a Job, by its events: a finished Job's pods may be gone
   * already.
   */
  private long podsCreatedBy(String job) {
    return restricted.events(job).stream()
        .filter(e -> "SuccessfulCreate".equals(e.getReason()))
        .count();
  }

  private String leaseHolder() {
    Lease lease = namespace.get(LEASE, Lease.class);
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static String server(String name) {
    return """
        apiVersion: llmfleet.dev/v1alpha1
        kind: ModelServer
        metadata: {name: %s}
        spec:
          runtime: ollama
          model: {uri: "ollama://llama3.2:1b"}
          resources: {gpus: 0, cpu: "1", memory: 2Gi}
        """
        .formatted(name);
  }

  private static String vllmServer(String name, boolean fitCheck) {
    return """
        apiVersion: llmfleet.dev/v1alpha1
        kind: ModelServer
        metadata: {name: %s}
        spec:
          runtime: vllm
          model: {downloadRef: {name: llama}}
          resources: {gpus: 1, gpuType: NVIDIA-H100-80GB-HBM3}
          fitCheck: %s
        """
        .formatted(name, fitCheck);
  }

  /**
   * A Download from an address nobody serves: the test reports it verified, as its downloader
   * would.
   */
  private static String httpDownload(String name) {
    return """
        apiVersion: llmfleet.dev/v1alpha1
        kind: Download
        metadata: {name: %s}
        spec:
          source: {http: {url: "http://127.0.0.1:9/%s"}}
          storage: {size: 1Gi}
        """
        .formatted(name, name);
  }

  private static String fineTuneJob(String name, String moreSpec) {
    return """
        apiVersion: llmfleet.dev/v1alpha1
        kind: FineTuneJob
        metadata: {name: %s}
        spec:
          baseModel: {downloadRef: {name: base}}
          dataset: {downloadRef: {name: tickets}, file: train.jsonl}
          resources: {gpus: 1, gpuType: NVIDIA-H100-80GB-HBM3}
          output: {storage: {size: 1Gi}}
        """
            .formatted(name)
        + moreSpec;
  }

  private String serviceAccountToken() {
    Cluster.Result token = namespace.kubectl("create", "token", release, "--duration=1h");
    assertThat(token.exitCode()).as(token.output()).isZero();
    return token.output().strip();
  }

  /**
   * The admin kubeconfig's server and CA, but the ServiceAccount's token instead of the admin
   * certificate.
   */
  private KubernetesClient clientFor(String token) {
    Config admin = namespace.client().getConfiguration();
    Config config =
        new ConfigBuilder()
            .withMasterUrl(admin.getMasterUrl())
            .withCaCertData(admin.getCaCertData())
            .withCaCertFile(admin.getCaCertFile())
            .withOauthToken(token)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** As {@link #clientFor}, written as a kubeconfig file for operator processes. */
  private Path kubeconfigFor(String token) throws IOException {
    Config admin = namespace.client().getConfiguration();
    String caData =
        admin.getCaCertData() != null
            ? admin.getCaCertData()
            : Base64.getEncoder()
                .encodeToString(Files.readAllBytes(Path.of(admin.getCaCertFile())));
    Path kubeconfig = Files.createTempFile("chart-service-account", ".kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: cluster, cluster: {server: "%s", certificate-authority-data: "%s"}}]
        users: [{name: chart, user: {token: "%s"}}]
        contexts: [{name: chart, context: {cluster: cluster, user: chart}}]
        current-context: chart
        """
            .formatted(admin.getMasterUrl(), caData, token));
    return kubeconfig;
  }
}
