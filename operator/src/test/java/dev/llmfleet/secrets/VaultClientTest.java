package dev.llmfleet.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.config.OperatorConfig.VaultAuth;
import dev.llmfleet.config.OperatorConfig.VaultIdentity;
import dev.llmfleet.config.VaultPathTemplate;
import dev.llmfleet.secrets.SecretsFailure.VaultPermissionDenied;
import dev.llmfleet.secrets.SecretsFailure.VaultSecretNotFound;
import dev.llmfleet.secrets.SecretsFailure.VaultUnavailable;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultClientTest {

  private static final String LOGIN = "auth/kubernetes/login";

  @TempDir Path dir;

  private FakeVault vault;
  private Path jwt;
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-11-27T10:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  @BeforeEach
  void start() throws Exception {
    vault = new FakeVault();
    jwt = dir.resolve("token");
    Files.writeString(jwt, "service-account-jwt\n");
  }

  @AfterEach
  void stop() {
    vault.close();
  }

  /** Reads as the operator's own identity, the way every read went before namespace identities. */
  private final class OperatorReads {
    private final VaultClient client;

    OperatorReads(VaultClient client) {
      this.client = client;
    }

    Map<String, String> read(String mount, String path) throws SecretsFailure {
      return client.read("team-a", NO_TOKENS, mount, path);
    }
  }

  private static final ServiceAccountTokens NO_TOKENS =
      (namespace, serviceAccount, audience) -> {
        throw new AssertionError("the operator identity requests no ServiceAccount token");
      };

  private static final Optional<VaultPathTemplate> TEMPLATE =
      Optional.of(new VaultPathTemplate("llm/{namespace}/"));

  private OperatorReads kubernetesAuth(String address) {
    return new OperatorReads(
        new VaultClient(
            new OperatorConfig.Vault(
                address,
                VaultAuth.KUBERNETES,
                VaultIdentity.OPERATOR,
                "llmfleet",
                "kubernetes",
                "llmfleet-vault",
                "vault",
                TEMPLATE,
                Optional.empty(),
                Duration.ofSeconds(300),
                Optional.empty(),
                jwt),
            clock));
  }

  private OperatorReads tokenAuth(String token) {
    return new OperatorReads(
        new VaultClient(
            new OperatorConfig.Vault(
                vault.address(),
                VaultAuth.TOKEN,
                VaultIdentity.OPERATOR,
                "llmfleet",
                "kubernetes",
                "llmfleet-vault",
                "vault",
                TEMPLATE,
                Optional.of(new OperatorConfig.Secret(token)),
                Duration.ofSeconds(300),
                Optional.empty(),
                jwt),
            clock));
  }

  private VaultClient perNamespace(String role) {
    return new VaultClient(
        new OperatorConfig.Vault(
            vault.address(),
            VaultAuth.KUBERNETES,
            VaultIdentity.NAMESPACE,
            role,
            "kubernetes",
            "llmfleet-vault",
            "vault",
            Optional.empty(),
            Optional.empty(),
            Duration.ofSeconds(300),
            Optional.empty(),
            jwt),
        clock);
  }

  private void loginAnswers(String token, int leaseSeconds) {
    vault.answer(LOGIN, 200, auth(token, leaseSeconds));
  }

  /** Shaped like Vault's answer to a login or a renewal. */
  private static String auth(String token, int leaseSeconds) {
    return "{\"request_id\":\"r\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,\"data\":null,"
        + "\"wrap_info\":null,\"warnings\":null,\"auth\":{\"client_token\":\""
        + token
        + "\",\"accessor\":\"a\","
        + "\"policies\":[\"default\",\"llmfleet\"],\"token_policies\":[\"default\",\"llmfleet\"],\"metadata\":{},"
        + "\"lease_duration\":"
        + leaseSeconds
        + ",\"renewable\":true,\"entity_id\":\"e\",\"token_type\":\"service\","
        + "\"orphan\":true,\"num_uses\":0}}";
  }

  @Test
  void logsInWithTheServiceAccountTokenAndReadsKvVersion2() throws Exception {
    loginAnswers("t-1", 3600);
    vault.kv("secret/llm/hf", "{\"token\":\"hf_abc\",\"n\":3}");

    var values = kubernetesAuth(vault.address()).read("secret", "llm/hf");

    assertThat(values).containsEntry("token", "hf_abc").containsEntry("n", "3");
    var login = vault.requestsTo(LOGIN);
    assertThat(login)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.method()).isEqualTo("POST");
              assertThat(r.body())
                  .contains("\"role\":\"llmfleet\"")
                  .contains("\"jwt\":\"service-account-jwt\"");
            });
    assertThat(vault.requestsTo("secret/data/llm/hf"))
        .singleElement()
        .satisfies(r -> assertThat(r.token()).isEqualTo("t-1"));
  }

  @Test
  void mountsWithSeveralSegmentsAreKept() throws Exception {
    loginAnswers("t-1", 3600);
    vault.answer(
        "team/kv/data/llm/hf", 200, "{\"data\":{\"data\":{\"token\":\"x\"},\"metadata\":{}}}");

    assertThat(kubernetesAuth(vault.address()).read("team/kv", "llm/hf"))
        .containsEntry("token", "x");
  }

  @Test
  void theTokenIsReusedThenRenewedThenReplacedByANewLogin() throws Exception {
    loginAnswers("t-1", 300);
    vault.kv("secret/a", "{\"k\":\"v\"}");
    OperatorReads client = kubernetesAuth(vault.address());

    client.read("secret", "a");
    now.set(now.get().plusSeconds(100));
    client.read("secret", "a");
    assertThat(vault.requestsTo(LOGIN)).hasSize(1);
    assertThat(vault.requestsTo("auth/token/renew-self")).isEmpty();

    vault.answer("auth/token/renew-self", 200, auth("t-1", 300));
    now.set(now.get().plusSeconds(150)); // past two thirds of the lease
    client.read("secret", "a");
    assertThat(vault.requestsTo("auth/token/renew-self"))
        .singleElement()
        .satisfies(r -> assertThat(r.token()).isEqualTo("t-1"));
    assertThat(vault.requestsTo(LOGIN)).hasSize(1);

    vault.answer("auth/token/renew-self", 403, "{\"errors\":[\"permission denied\"]}");
    loginAnswers("t-2", 300);
    now.set(now.get().plusSeconds(250));
    client.read("secret", "a");
    assertThat(vault.requestsTo(LOGIN)).hasSize(2);
    assertThat(vault.requestsTo("secret/data/a").get(3).token()).isEqualTo("t-2");
  }

  @Test
  void aRevokedTokenLeadsToOneNewLoginThenTheAnswerStands() throws Exception {
    loginAnswers("t-1", 3600);
    vault.answer("secret/data/forbidden", 403, "{\"errors\":[\"permission denied\"]}");
    OperatorReads client = kubernetesAuth(vault.address());

    assertThatThrownBy(() -> client.read("secret", "forbidden"))
        .isInstanceOf(VaultPermissionDenied.class)
        .hasMessage(
            "reading Vault secret secret/forbidden at "
                + vault.address()
                + " was refused: permission denied (HTTP 403)");
    assertThat(vault.requestsTo(LOGIN)).hasSize(2);
    assertThat(vault.requestsTo("secret/data/forbidden")).hasSize(2);
  }

  @Test
  void aMissingSecretIsNotFound() {
    loginAnswers("t-1", 3600);

    assertThatThrownBy(() -> kubernetesAuth(vault.address()).read("secret", "nope"))
        .isInstanceOf(VaultSecretNotFound.class)
        .hasMessageContaining("secret/nope")
        .extracting(e -> ((SecretsFailure) e).reason())
        .isEqualTo("VaultSecretNotFound");
  }

  @Test
  void aDeletedLatestVersionIsNotFound() {
    loginAnswers("t-1", 3600);
    vault.answer(
        "secret/data/gone",
        200,
        "{\"data\":{\"data\":null,\"metadata\":{\"deletion_time\":\"x\"}}}");

    assertThatThrownBy(() -> kubernetesAuth(vault.address()).read("secret", "gone"))
        .isInstanceOf(VaultSecretNotFound.class)
        .hasMessageContaining("secret/gone");
  }

  @Test
  void aRefusedLoginIsPermissionDenied() {
    vault.answer(LOGIN, 400, "{\"errors\":[\"invalid role name \\\"llmfleet\\\"\"]}");

    assertThatThrownBy(() -> kubernetesAuth(vault.address()).read("secret", "a"))
        .isInstanceOf(VaultPermissionDenied.class)
        .hasMessageStartingWith(
            "login at " + vault.address() + "/v1/auth/kubernetes/login with role llmfleet");
    assertThat(vault.requestsTo(LOGIN)).as("a refused login is not repeated at once").hasSize(1);
  }

  @Test
  void aMissingAuthMountIsPermissionDeniedNotSecretNotFound() {
    assertThatThrownBy(() -> kubernetesAuth(vault.address()).read("secret", "a"))
        .isInstanceOf(VaultPermissionDenied.class)
        .hasMessageContaining("HTTP 404");
  }

  @Test
  void anUnreadableServiceAccountTokenIsPermissionDenied() throws Exception {
    Files.delete(jwt);

    assertThatThrownBy(() -> kubernetesAuth(vault.address()).read("secret", "a"))
        .isInstanceOf(VaultPermissionDenied.class)
        .hasMessageContaining("cannot read the service-account token " + jwt);
  }

  @Test
  void serverErrorsAndSealedAreUnavailable() {
    loginAnswers("t-1", 3600);
    vault.answer("secret/data/a", 500, "{\"errors\":[\"internal\"]}");
    vault.answer("secret/data/b", 503, "{\"errors\":[\"Vault is sealed\"]}");
    OperatorReads client = kubernetesAuth(vault.address());

    assertThatThrownBy(() -> client.read("secret", "a"))
        .isInstanceOf(VaultUnavailable.class)
        .hasMessageContaining("HTTP 500");
    assertThatThrownBy(() -> client.read("secret", "b"))
        .isInstanceOf(VaultUnavailable.class)
        .hasMessageContaining("sealed");
  }

  @Test
  void nobodyListeningIsUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    assertThatThrownBy(() -> kubernetesAuth("http://127.0.0.1:" + port).read("secret", "a"))
        .isInstanceOf(VaultUnavailable.class)
        .hasMessageContaining("Vault did not answer");
  }

  @Test
  void tokenAuthLooksTheTokenUpOnceAndNeverLogsIn() throws Exception {
    vault.answer(
        "auth/token/lookup-self",
        200,
        "{\"data\":{\"ttl\":0,\"renewable\":false,\"policies\":[\"root\"]}}");
    vault.kv("secret/a", "{\"k\":\"v\"}");
    OperatorReads client = tokenAuth("dev-root");

    client.read("secret", "a");
    now.set(now.get().plus(Duration.ofDays(30)));
    client.read("secret", "a");

    assertThat(vault.requestsTo("auth/token/lookup-self")).hasSize(1);
    assertThat(vault.requestsTo(LOGIN)).isEmpty();
    assertThat(vault.requestsTo("secret/data/a"))
        .allSatisfy(r -> assertThat(r.token()).isEqualTo("dev-root"));
  }

  @Test
  void anInvalidConfiguredTokenIsPermissionDenied() {
    vault.answer("auth/token/lookup-self", 403, "{\"errors\":[\"permission denied\"]}");

    assertThatThrownBy(() -> tokenAuth("bad").read("secret", "a"))
        .isInstanceOf(VaultPermissionDenied.class)
        .hasMessageNotContaining("bad");
  }

  /** Records each TokenRequest and answers with a JWT that names its namespace. */
  private final List<String> tokenRequests = new CopyOnWriteArrayList<>();

  private final ServiceAccountTokens tokens =
      (namespace, serviceAccount, audience) -> {
        tokenRequests.add(namespace + "/" + serviceAccount + "@" + audience);
        return "jwt-of-" + namespace;
      };

  @Test
  void eachNamespaceLogsInAsItsOwnServiceAccountWithItsOwnRoleAndKeepsItsOwnToken()
      throws Exception {
    vault.answer(LOGIN, 200, auth("t-shared-answer", 3600));
    vault.kv("secret/llm/a", "{\"k\":\"v\"}");
    VaultClient client = perNamespace("llmfleet-{namespace}");

    client.read("team-a", tokens, "secret", "llm/a");
    client.read("team-b", tokens, "secret", "llm/a");
    client.read("team-a", tokens, "secret", "llm/a");

    assertThat(tokenRequests)
        .containsExactly("team-a/llmfleet-vault@vault", "team-b/llmfleet-vault@vault");
    assertThat(vault.requestsTo(LOGIN))
        .extracting(FakeVault.Request::body)
        .satisfiesExactly(
            a ->
                assertThat(a)
                    .contains("\"role\":\"llmfleet-team-a\"")
                    .contains("\"jwt\":\"jwt-of-team-a\""),
            b ->
                assertThat(b)
                    .contains("\"role\":\"llmfleet-team-b\"")
                    .contains("\"jwt\":\"jwt-of-team-b\""));
  }

  @Test
  void aNamespaceTokenIsReusedWithinItsLeaseAndReplacedByANewLoginAfterIt() throws Exception {
    vault.answer(LOGIN, 200, auth("t-1", 300));
    vault.kv("secret/llm/a", "{\"k\":\"v\"}");
    VaultClient client = perNamespace("llmfleet");

    client.read("team-a", tokens, "secret", "llm/a");
    now.set(now.get().plusSeconds(150));
    client.read("team-a", tokens, "secret", "llm/a");
    assertThat(vault.requestsTo(LOGIN)).hasSize(1);

    vault.answer("auth/token/renew-self", 403, "{\"errors\":[\"permission denied\"]}");
    vault.answer(LOGIN, 200, auth("t-2", 300));
    now.set(now.get().plusSeconds(150));
    client.read("team-a", tokens, "secret", "llm/a");

    assertThat(vault.requestsTo(LOGIN)).hasSize(2);
    assertThat(tokenRequests).hasSize(2);
    assertThat(vault.requestsTo("secret/data/llm/a").get(2).token()).isEqualTo("t-2");
  }

  @Test
  void aNamespaceWithoutItsServiceAccountIsRefusedWithoutALogin() {
    VaultClient client = perNamespace("llmfleet");
    ServiceAccountTokens missing =
        (namespace, serviceAccount, audience) -> {
          throw new VaultPermissionDenied(
              "cannot get a token of ServiceAccount "
                  + serviceAccount
                  + " in namespace "
                  + namespace
                  + ": it does not exist");
        };

    assertThatThrownBy(() -> client.read("team-a", missing, "secret", "llm/a"))
        .isInstanceOf(VaultPermissionDenied.class)
        .hasMessageContaining("llmfleet-vault in namespace team-a");
    assertThat(vault.requests).isEmpty();
  }

  @Test
  void aReadVaultRefusesNamesTheNamespacesServiceAccount() {
    vault.answer(LOGIN, 200, auth("t-1", 3600));
    vault.answer("secret/data/llm/team-b/hf", 403, "{\"errors\":[\"permission denied\"]}");

    assertThatThrownBy(
            () ->
                perNamespace("llmfleet-{namespace}")
                    .read("team-a", tokens, "secret", "llm/team-b/hf"))
        .isInstanceOf(VaultPermissionDenied.class)
        .hasMessage(
            "reading Vault secret secret/llm/team-b/hf at "
                + vault.address()
                + " as ServiceAccount"
                + " team-a/llmfleet-vault was refused: permission denied (HTTP 403)");
  }
}
