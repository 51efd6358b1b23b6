package dev.llmfleet.e2e.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.LlmFleetOperator;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import dev.llmfleet.api.v1alpha1.common.VaultSecretRef;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.Statuses;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Secrets from the cluster's real Vault-API server (OpenBao in dev mode, from cluster.sh): the
 * operator logs in with Kubernetes auth as a ServiceAccount of the test's namespace (the default
 * identity: a token it requests from the TokenRequest API, for the role named like the namespace),
 * reads KV v2, fills {@code <name>-secrets}, rolls pods on rotation, and keeps everything running
 * while Vault is away. Vault is reached through a local TCP proxy that the test can stop. The
 * operator runs here with its own settings (Vault, a 5 s refresh) in a namespace of its own; the
 * extension's operator watches another namespace.
 */
@ExtendWith(LlmFleetExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VaultSecretsE2E {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int REFRESH_SECONDS = 5;
  private static final String SERVICE_ACCOUNT = "llmfleet-operator";
  private static final String HASH = "llmfleet.dev/secrets-hash";

  private final String canary =
      "canary-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  private final String rotated = canary + "-rotated";
  private final String userSecretValue = canary + "-wandb";

  private final Cluster cluster;
  private final KubernetesClient client;
  private final String namespace;
  private VaultAdmin vault;
  private TcpProxy proxy;
  private Operator operator;

  VaultSecretsE2E(Cluster cluster) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.namespace =
        "e2e-vault-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
  }

  @BeforeAll
  void startOperatorWithVault() throws Exception {
    String address =
        cluster
            .env("VAULT_ADDR")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "cluster.sh printed no VAULT_ADDR; this test needs e2e/cluster's Vault"));
    vault = new VaultAdmin(address, cluster.env("VAULT_TOKEN").orElseThrow());
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(namespace)
                .addToLabels("llmfleet.dev/e2e", "true")
                .endMetadata()
                .build())
        .create();
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(SERVICE_ACCOUNT)
                .endMetadata()
                .build())
        .create();

    // The operator may read secret/<namespace>/* only; secret/forbidden-<namespace>/* exists but is
    // not allowed.
    vault.policy(
        namespace, "path \"secret/data/" + namespace + "/*\" { capabilities = [\"read\"] }");
    vault.kubernetesRole(namespace, SERVICE_ACCOUNT, namespace, namespace);
    vault.put("secret/" + namespace + "/hf", Map.of("token", canary));
    vault.put("secret/forbidden-" + namespace + "/hf", Map.of("token", canary));

    URI vaultUri = URI.create(address);
    proxy = new TcpProxy(new InetSocketAddress(vaultUri.getHost(), vaultUri.getPort()));
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "LLMFLEET_NAMESPACES", namespace,
                "LLMFLEET_LEADER_ELECTION", "false",
                "LLMFLEET_IMAGE", "llmfleet/llmfleet-operator:e2e",
                "LLMFLEET_VAULT_ADDR", "http://127.0.0.1:" + proxy.port(),
                "LLMFLEET_VAULT_AUTH", "kubernetes",
                "LLMFLEET_VAULT_ROLE", "{namespace}",
                "LLMFLEET_VAULT_SERVICE_ACCOUNT", SERVICE_ACCOUNT,
                "LLMFLEET_VAULT_AUTH_MOUNT", "kubernetes",
                "LLMFLEET_SECRET_REFRESH_SECONDS", Integer.toString(REFRESH_SECONDS)));
    operator =
        LlmFleetOperator.create(
            client,
            config,
            new SimpleMeterRegistry(),
            overrider -> overrider.withCloseClientOnStop(false));
    operator.start();
  }

  @AfterAll
  void stop() throws Exception {
    if (operator != null) {
      operator.stop();
    }
    if (proxy != null) {
      proxy.close();
    }
    client.namespaces().withName(namespace).delete();
  }

  @Test
  @Order(1)
  void aVaultValueAndAUserSecretReachTheOwnedSecretAndTheContainerOnlyThroughSecretKeyRef() {
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("wandb")
                .endMetadata()
                .addToStringData("apiKey", userSecretValue)
                .build())
        .create();

    create(
        server(
            "chat",
            List.of(
                vaultEntry("HF_TOKEN", namespace + "/hf"),
                SecretEnv.builder()
                    .name("WANDB_API_KEY")
                    .secretKeyRef(new SecretKeyRef("wandb", "apiKey"))
                    .build())));

    ModelServer ready = awaitPhase("chat", ModelServerPhase.Ready);
    assertThat(condition(ready, "SecretsReady").getStatus()).isEqualTo("True");
    assertThat(condition(ready, "SecretsReady").getReason()).isEqualTo("SecretsSynced");

    Secret synced = secret("chat-secrets");
    assertThat(decoded(synced, "HF_TOKEN")).isEqualTo(canary);
    assertThat(decoded(synced, "WANDB_API_KEY")).isEqualTo(userSecretValue);
    assertThat(synced.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("ModelServer");
              assertThat(owner.getUid()).isEqualTo(ready.getMetadata().getUid());
            });

    Deployment deployment = deployment("chat");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey(HASH);
    List<EnvVar> env = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env)
        .filteredOn(e -> e.getName().equals("HF_TOKEN") || e.getName().equals("WANDB_API_KEY"))
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("chat-secrets");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(e.getName());
            });
  }

  @Test
  @Order(2)
  void aRotationInVaultUpdatesTheSecretAndRollsThePodsOnce() {
    Deployment before = deployment("chat");
    String hashBefore = before.getSpec().getTemplate().getMetadata().getAnnotations().get(HASH);

    // Two rotations within one refresh interval: one read sees the last, so one roll.
    vault.put("secret/" + namespace + "/hf", Map.of("token", canary + "-intermediate"));
    vault.put("secret/" + namespace + "/hf", Map.of("token", rotated));

    await()
        .atMost(Duration.ofSeconds(3L * REFRESH_SECONDS))
        .untilAsserted(
            () -> assertThat(decoded(secret("chat-secrets"), "HF_TOKEN")).isEqualTo(rotated));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Deployment after = deployment("chat");
              assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations().get(HASH))
                  .isNotEqualTo(hashBefore);
              assertThat(pods("chat"))
                  .singleElement()
                  .satisfies(
                      pod ->
                          assertThat(pod.getMetadata().getAnnotations().get(HASH))
                              .isEqualTo(
                                  after
                                      .getSpec()
                                      .getTemplate()
                                      .getMetadata()
                                      .getAnnotations()
                                      .get(HASH)));
              assertThat(get("chat").getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready);
            });

    // Two more refresh intervals with no change in Vault: no further roll.
    sleep(Duration.ofSeconds(2L * REFRESH_SECONDS + 1));
    Deployment settled = deployment("chat");
    assertThat(settled.getMetadata().getGeneration())
        .isEqualTo(before.getMetadata().getGeneration() + 1);
    assertThat(replicaSets("chat")).hasSize(2);
  }

  @Test
  @Order(3)
  void aPathWithoutPermissionIsVaultPermissionDeniedAndStartsNoPods() {
    create(server("denied", List.of(vaultEntry("HF_TOKEN", "forbidden-" + namespace + "/hf"))));

    ModelServer denied =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> get("denied"),
                s ->
                    s != null
                        && s.getStatus() != null
                        && Statuses.conditionOrNull(s, "SecretsReady") != null);
    Condition secrets = condition(denied, "SecretsReady");
    assertThat(secrets.getStatus()).isEqualTo("False");
    assertThat(secrets.getReason()).isEqualTo("VaultPermissionDenied");
    assertThat(secrets.getMessage()).contains("secret/forbidden-" + namespace + "/hf");
    assertThat(denied.getStatus().getPhase()).isEqualTo(ModelServerPhase.Pending);
    assertThat(condition(denied, "Ready").getReason()).isEqualTo("VaultPermissionDenied");
    assertThat(deployment("denied")).isNull();
    assertThat(secret("denied-secrets")).isNull();
  }

  @Test
  @Order(4)
  void aMissingKeyIsVaultSecretNotFoundAndADownloadStartsNoJob() {
    Download download = SmallDownload.of(namespace, "weights", "model.gguf");
    download
        .getSpec()
        .setSecrets(
            List.of(
                SecretEnv.builder()
                    .name("HF_TOKEN")
                    .vault(
                        VaultSecretRef.builder()
                            .mount("secret")
                            .path(namespace + "/hf")
                            .key("no-such-key")
                            .build())
                    .build()));
    client.resource(download).create();

    Download blocked =
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    client
                        .resources(Download.class)
                        .inNamespace(namespace)
                        .withName("weights")
                        .get(),
                d -> Statuses.conditionOrNull(d, "SecretsReady") != null);
    Condition secrets = Statuses.condition(blocked, "SecretsReady");
    assertThat(secrets.getStatus()).isEqualTo("False");
    assertThat(secrets.getReason()).isEqualTo("VaultSecretNotFound");
    assertThat(secrets.getMessage())
        .contains("secret/" + namespace + "/hf")
        .contains("no-such-key");
    assertThat(blocked.getStatus().getPhase()).isEqualTo(DownloadPhase.Pending);
    assertThat(client.batch().v1().jobs().inNamespace(namespace).list().getItems()).isEmpty();
  }

  @Test
  @Order(5)
  void whileVaultIsUnreachableTheSecretAndThePodsStayAndItRecoversByItself() throws Exception {
    Secret secretBefore = secret("chat-secrets");
    List<String> podsBefore = pods("chat").stream().map(p -> p.getMetadata().getName()).toList();
    long generationBefore = deployment("chat").getMetadata().getGeneration();

    proxy.stop();
    try {
      await()
          .atMost(Duration.ofSeconds(6L * REFRESH_SECONDS))
          .untilAsserted(
              () -> {
                Condition secrets = condition(get("chat"), "SecretsReady");
                assertThat(secrets.getStatus()).isEqualTo("False");
                assertThat(secrets.getReason()).isEqualTo("VaultUnavailable");
                assertThat(secrets.getMessage()).contains("127.0.0.1:" + proxy.port());
              });
      sleep(Duration.ofSeconds(REFRESH_SECONDS));
      assertThat(secret("chat-secrets").getData()).isEqualTo(secretBefore.getData());
      assertThat(pods("chat")).extracting(p -> p.getMetadata().getName()).isEqualTo(podsBefore);
      assertThat(deployment("chat").getMetadata().getGeneration()).isEqualTo(generationBefore);
      assertThat(get("chat").getStatus().getPhase()).isEqualTo(ModelServerPhase.Ready);
    } finally {
      proxy.start();
    }

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition secrets = condition(get("chat"), "SecretsReady");
              assertThat(secrets.getStatus()).isEqualTo("True");
              assertThat(secrets.getReason()).isEqualTo("SecretsSynced");
            });
    assertThat(pods("chat")).extracting(p -> p.getMetadata().getName()).isEqualTo(podsBefore);
    assertThat(deployment("chat").getMetadata().getGeneration()).isEqualTo(generationBefore);
  }

  @Test
  @Order(6)
  void noCanaryInTheOperatorLogEventsStatusOrPodSpecs() throws Exception {
    List<String> canaries =
        List.of(
            canary,
            rotated,
            userSecretValue,
            base64(canary),
            base64(rotated),
            base64(userSecretValue));

    String log = Files.readString(Path.of("target", "operator.log"));
    assertThat(log).as("the operator log mentions this namespace").contains(namespace);
    String events = yaml(client.v1().events().inNamespace(namespace).list());
    assertThat(events).contains("VaultPermissionDenied");
    String statuses =
        yaml(client.resources(ModelServer.class).inNamespace(namespace).list())
            + yaml(client.resources(Download.class).inNamespace(namespace).list());
    String podsAndTemplates =
        yaml(client.pods().inNamespace(namespace).list())
            + yaml(client.apps().deployments().inNamespace(namespace).list())
            + yaml(client.apps().replicaSets().inNamespace(namespace).list());
    for (String value : canaries) {
      assertThat(log).as("operator log").doesNotContain(value);
      assertThat(events).as("events").doesNotContain(value);
      assertThat(statuses).as("resources and their status").doesNotContain(value);
      assertThat(podsAndTemplates).as("pods, Deployments, ReplicaSets").doesNotContain(value);
    }
  }

  private SecretEnv vaultEntry(String name, String path) {
    return SecretEnv.builder()
        .name(name)
        .vault(VaultSecretRef.builder().mount("secret").path(path).key("token").build())
        .build();
  }

  private ModelServer server(String name, List<SecretEnv> secrets) {
    ModelServer server = new ModelServer();
    server.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    server.setSpec(
        ModelServerSpec.builder()
            .runtime(Runtime.LLAMA_CPP)
            .model(ModelSource.builder().uri("hf://bartowski/Llama-3.2-1B-Instruct-GGUF").build())
            .resources(
                Resources.builder()
                    .gpus(0)
                    .cpu(new Quantity("1"))
                    .memory(new Quantity("2Gi"))
                    .build())
            .secrets(secrets)
            .build());
    return server;
  }

  private void create(ModelServer server) {
    client.resource(server).create();
  }

  private ModelServer get(String name) {
    return client.resources(ModelServer.class).inNamespace(namespace).withName(name).get();
  }

  private ModelServer awaitPhase(String name, ModelServerPhase phase) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> get(name),
            s -> s != null && s.getStatus() != null && s.getStatus().getPhase() == phase);
  }

  private static Condition condition(ModelServer server, String type) {
    Condition condition = Statuses.conditionOrNull(server, type);
    assertThat(condition).as("condition " + type).isNotNull();
    return condition;
  }

  private Secret secret(String name) {
    return client.secrets().inNamespace(namespace).withName(name).get();
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  private List<ReplicaSet> replicaSets(String name) {
    return client
        .apps()
        .replicaSets()
        .inNamespace(namespace)
        .withLabel("app.kubernetes.io/instance", name)
        .list()
        .getItems();
  }

  private List<Pod> pods(String name) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel("app.kubernetes.io/instance", name)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private static String decoded(Secret secret, String key) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private String yaml(Object object) {
    return client.getKubernetesSerialization().asYaml(object);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
