package dev.llmfleet.e2e.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.LlmFleetOperator;
import dev.llmfleet.api.v1alpha1.BaseModel;
import dev.llmfleet.api.v1alpha1.Dataset;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobSpec;
import dev.llmfleet.api.v1alpha1.FineTuneOutput;
import dev.llmfleet.api.v1alpha1.HuggingFaceSource;
import dev.llmfleet.api.v1alpha1.Hyperparameters;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.api.v1alpha1.common.VaultSecretRef;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.Statuses;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 18, item 1, against the cluster's OpenBao: two namespaces, each with its own Vault role and
 * policy ({@code secret/data/llm/<namespace>/*}). Team A names team B's Vault secret through every
 * field that reads Vault (a ModelServer's, a Download's and a FineTuneJob's {@code spec.secrets},
 * the Hugging Face token of a Download whose endpoint is team A's own host, a path climbing out
 * with '..') and never gets it: first with the default per-namespace identity, where OpenBao
 * refuses, then with the operator identity (the root token, which could read anything) and a path
 * template, where the operator refuses before asking. B's canary value never appears in team A's
 * namespace, in any event, nor in the operator log. An operator of this class's own watches both
 * namespaces.
 */
@ExtendWith(LlmFleetExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VaultTenancyE2E {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String SERVICE_ACCOUNT = "llmfleet-vault";

  private final String suffix =
      Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
  private final String teamA = "e2e-tenant-a-" + suffix;
  private final String teamB = "e2e-tenant-b-" + suffix;
  private final String canaryB =
      "canary-b-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  private final String valueA =
      "value-a-" + Long.toHexString(ThreadLocalRandom.current().nextLong());

  private final Cluster cluster;
  private final KubernetesClient client;
  private String vaultAddress;
  private VaultAdmin vault;
  private Operator operator;

  VaultTenancyE2E(Cluster cluster) {
    this.cluster = cluster;
    this.client = cluster.client();
  }

  @BeforeAll
  void twoTeamsWithTheirOwnRolesAndPolicies() {
    vaultAddress =
        cluster
            .env("VAULT_ADDR")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "cluster.sh printed no VAULT_ADDR; this test needs e2e/cluster's Vault"));
    vault = new VaultAdmin(vaultAddress, cluster.env("VAULT_TOKEN").orElseThrow());
    for (String team : List.of(teamA, teamB)) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(team)
                  .addToLabels("llmfleet.dev/e2e", "true")
                  .endMetadata()
                  .build())
          .create();
      client
          .serviceAccounts()
          .inNamespace(team)
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName(SERVICE_ACCOUNT)
                  .endMetadata()
                  .build())
          .create();
      vault.policy(
          "llmfleet-" + team,
          "path \"secret/data/llm/" + team + "/*\" { capabilities = [\"read\"] }");
      vault.kubernetesRole("llmfleet-" + team, SERVICE_ACCOUNT, team, "llmfleet-" + team);
    }
    vault.put("secret/llm/" + teamA + "/hf", Map.of("token", valueA));
    vault.put("secret/llm/" + teamB + "/hf", Map.of("token", canaryB));
    startOperator(Map.of("LLMFLEET_VAULT_ROLE", "llmfleet-{namespace}"));
  }

  @AfterAll
  void stop() {
    stopOperator();
    for (String team : List.of(teamA, teamB)) {
      client.namespaces().withName(team).delete();
    }
  }

  @Test
  @Order(1)
  void eachTeamReadsItsOwnValueAsItsOwnServiceAccount() {
    create(server(teamA, "own", vaultEntry("HF_TOKEN", "secret", "llm/" + teamA + "/hf")));
    create(server(teamB, "own", vaultEntry("HF_TOKEN", "secret", "llm/" + teamB + "/hf")));

    awaitSecretsReady(() -> get(ModelServer.class, teamA, "own"), "True", "SecretsSynced");
    awaitSecretsReady(() -> get(ModelServer.class, teamB, "own"), "True", "SecretsSynced");
    assertThat(decoded(secret(teamA, "own-secrets"), "HF_TOKEN")).isEqualTo(valueA);
    assertThat(decoded(secret(teamB, "own-secrets"), "HF_TOKEN")).isEqualTo(canaryB);
  }

  @Test
  @Order(2)
  void withItsOwnIdentityTeamACannotReadTeamBsValueThroughAnyKind() {
    String theirs = "llm/" + teamB + "/hf";
    create(server(teamA, "steal-ms", vaultEntry("HF_TOKEN", "secret", theirs)));
    client
        .resource(huggingFaceDownload(teamA, "steal-dl", vaultEntry("HF_TOKEN", "secret", theirs)))
        .create();
    client
        .resource(fineTuneJob(teamA, "steal-ftj", vaultEntry("WANDB_API_KEY", "secret", theirs)))
        .create();

    for (Supplier<HasMetadata> resource :
        List.<Supplier<HasMetadata>>of(
            () -> get(ModelServer.class, teamA, "steal-ms"),
            () -> get(Download.class, teamA, "steal-dl"),
            () -> get(FineTuneJob.class, teamA, "steal-ftj"))) {
      Condition refused = awaitSecretsReady(resource, "False", "VaultPermissionDenied");
      assertThat(refused.getMessage()).contains("secret/" + theirs);
    }
    assertThat(secret(teamA, "steal-ms-secrets")).isNull();
    assertThat(secret(teamA, "steal-dl-secrets")).isNull();
    assertThat(secret(teamA, "steal-ftj-secrets")).isNull();
    assertThat(client.batch().v1().jobs().inNamespace(teamA).list().getItems())
        .as("no download pod could send a token to team A's endpoint")
        .isEmpty();
  }

  @Test
  @Order(3)
  void aPathClimbingOutOfTeamAsFolderIsRefusedBeforeAnyVaultCall() {
    create(
        server(
            teamA,
            "climb",
            vaultEntry("HF_TOKEN", "secret", "llm/" + teamA + "/../" + teamB + "/hf")));

    Condition refused =
        awaitSecretsReady(
            () -> get(ModelServer.class, teamA, "climb"), "False", "VaultPathNotAllowed");
    assertThat(refused.getMessage())
        .contains("llm/" + teamA + "/../" + teamB + "/hf")
        .contains("'..'");
    assertThat(secret(teamA, "climb-secrets")).isNull();
  }

  @Test
  @Order(4)
  void aRefusedReadKeepsWhatTheSecretAlreadyHolds() {
    client
        .resources(ModelServer.class)
        .inNamespace(teamA)
        .withName("own")
        .edit(
            own -> {
              own.getSpec()
                  .setSecrets(List.of(vaultEntry("HF_TOKEN", "secret", "llm/" + teamB + "/hf")));
              return own;
            });

    Condition refused =
        awaitSecretsReady(
            () -> get(ModelServer.class, teamA, "own"), "False", "VaultPermissionDenied");
    assertThat(refused.getMessage()).contains("keeps the values of the last successful read");
    assertThat(decoded(secret(teamA, "own-secrets"), "HF_TOKEN")).isEqualTo(valueA);
  }

  @Test
  @Order(5)
  void withTheOperatorsRootTokenAPathTemplateRefusesTeamBsPathsBeforeAnyVaultCall() {
    stopOperator();
    // The dev root token reads every path: only the template stands between team A and team B's
    // value.
    startOperator(
        Map.of(
            "LLMFLEET_VAULT_AUTH",
            "token",
            "LLMFLEET_VAULT_TOKEN",
            cluster.env("VAULT_TOKEN").orElseThrow(),
            "LLMFLEET_VAULT_IDENTITY",
            "operator",
            "LLMFLEET_VAULT_PATH_TEMPLATE",
            "llm/{namespace}/"));
    String theirs = "llm/" + teamB + "/hf";
    create(server(teamA, "steal-ms-2", vaultEntry("HF_TOKEN", "secret", theirs)));
    client
        .resource(
            huggingFaceDownload(teamA, "steal-dl-2", vaultEntry("HF_TOKEN", "secret", theirs)))
        .create();
    client
        .resource(fineTuneJob(teamA, "steal-ftj-2", vaultEntry("HF_TOKEN", "secret", theirs)))
        .create();
    create(
        server(
            teamA,
            "other-mount",
            vaultEntry("HF_TOKEN", "secret/data/llm/" + teamB, "llm/" + teamA + "/hf")));

    for (Supplier<HasMetadata> resource :
        List.<Supplier<HasMetadata>>of(
            () -> get(ModelServer.class, teamA, "steal-ms-2"),
            () -> get(Download.class, teamA, "steal-dl-2"),
            () -> get(FineTuneJob.class, teamA, "steal-ftj-2"))) {
      Condition refused = awaitSecretsReady(resource, "False", "VaultPathNotAllowed");
      assertThat(refused.getMessage())
          .contains("secret/" + theirs)
          .contains("LLMFLEET_VAULT_PATH_TEMPLATE")
          .contains("llm/" + teamA + "/");
    }
    awaitSecretsReady(
        () -> get(ModelServer.class, teamA, "other-mount"), "False", "VaultPathNotAllowed");
    Condition stillRefused =
        awaitSecretsReady(
            () -> get(ModelServer.class, teamA, "own"), "False", "VaultPathNotAllowed");
    assertThat(stillRefused.getMessage()).contains("keeps the values of the last successful read");
    assertThat(decoded(secret(teamA, "own-secrets"), "HF_TOKEN")).isEqualTo(valueA);
    assertThat(client.batch().v1().jobs().inNamespace(teamA).list().getItems()).isEmpty();

    create(server(teamA, "own-2", vaultEntry("HF_TOKEN", "secret", "llm/" + teamA + "/hf")));
    awaitSecretsReady(() -> get(ModelServer.class, teamA, "own-2"), "True", "SecretsSynced");
    assertThat(decoded(secret(teamA, "own-2-secrets"), "HF_TOKEN")).isEqualTo(valueA);
  }

  @Test
  @Order(6)
  void teamBsCanaryIsNowhereInTeamAsNamespaceInEventsOrInTheOperatorLog() throws Exception {
    List<String> canaries = List.of(canaryB, base64(canaryB));

    String inTeamA =
        yaml(client.secrets().inNamespace(teamA).list())
            + yaml(client.configMaps().inNamespace(teamA).list())
            + yaml(client.v1().events().inNamespace(teamA).list())
            + yaml(client.resources(ModelServer.class).inNamespace(teamA).list())
            + yaml(client.resources(Download.class).inNamespace(teamA).list())
            + yaml(client.resources(FineTuneJob.class).inNamespace(teamA).list())
            + yaml(client.pods().inNamespace(teamA).list())
            + yaml(client.batch().v1().jobs().inNamespace(teamA).list())
            + yaml(client.apps().deployments().inNamespace(teamA).list());
    assertThat(inTeamA)
        .as("the refusals left events in team A")
        .contains("VaultPathNotAllowed")
        .contains("VaultPermissionDenied");
    String allEvents = yaml(client.v1().events().inAnyNamespace().list());
    String log = Files.readString(Path.of("target", "operator.log"));
    assertThat(log).as("the operator log mentions team A").contains(teamA);
    for (String value : canaries) {
      assertThat(inTeamA).as("team A's namespace").doesNotContain(value);
      assertThat(allEvents).as("events").doesNotContain(value);
      assertThat(log).as("operator log").doesNotContain(value);
    }
  }

  private void startOperator(Map<String, String> vaultSettings) {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "LLMFLEET_NAMESPACES", teamA + "," + teamB,
                "LLMFLEET_LEADER_ELECTION", "false",
                "LLMFLEET_IMAGE", "llmfleet/llmfleet-operator:e2e",
                "LLMFLEET_VAULT_ADDR", vaultAddress,
                "LLMFLEET_SECRET_REFRESH_SECONDS", "5"));
    env.putAll(vaultSettings);
    operator =
        LlmFleetOperator.create(
            client,
            OperatorConfig.fromEnvironment(env),
            new SimpleMeterRegistry(),
            overrider -> overrider.withCloseClientOnStop(false));
    operator.start();
  }

  private void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  private static SecretEnv vaultEntry(String name, String mount, String path) {
    return SecretEnv.builder()
        .name(name)
        .vault(VaultSecretRef.builder().mount(mount).path(path).key("token").build())
        .build();
  }

  private static ModelServer server(String namespace, String name, SecretEnv secret) {
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
            .secrets(new ArrayList<>(List.of(secret)))
            .build());
    return server;
  }

  /** A gated repository from an endpoint team A controls: the token would be sent there. */
  private static Download huggingFaceDownload(String namespace, String name, SecretEnv token) {
    Download download = new Download();
    download.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    download.setSpec(
        DownloadSpec.builder()
            .source(
                DownloadSource.builder()
                    .huggingFace(
                        HuggingFaceSource.builder()
                            .repo("meta-llama/Llama-3.1-8B")
                            .endpoint("http://127.0.0.1:9")
                            .build())
                    .build())
            .storage(Storage.builder().size(new Quantity("1Gi")).build())
            .secrets(List.of(token))
            .build());
    return download;
  }

  private static FineTuneJob fineTuneJob(String namespace, String name, SecretEnv secret) {
    FineTuneJob job = new FineTuneJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    job.setSpec(
        FineTuneJobSpec.builder()
            .baseModel(new BaseModel(new LocalRef("base")))
            .dataset(
                Dataset.builder().downloadRef(new LocalRef("data")).file("train.jsonl").build())
            .resources(Resources.builder().gpus(1).build())
            .hyperparameters(
                Hyperparameters.builder().targetModules(List.of("q_proj", "v_proj")).build())
            .output(new FineTuneOutput(Storage.builder().size(new Quantity("1Gi")).build()))
            .secrets(List.of(secret))
            .build());
    return job;
  }

  private void create(ModelServer server) {
    client.resource(server).create();
  }

  private <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
    return client.resources(type).inNamespace(namespace).withName(name).get();
  }

  /** Waits until the resource's SecretsReady has this status and reason, and returns it. */
  private Condition awaitSecretsReady(
      Supplier<? extends HasMetadata> resource, String status, String reason) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> Statuses.conditionOrNull(resource.get(), "SecretsReady"),
            c -> c != null && c.getStatus().equals(status) && c.getReason().equals(reason));
  }

  private Secret secret(String namespace, String name) {
    return client.secrets().inNamespace(namespace).withName(name).get();
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
}
