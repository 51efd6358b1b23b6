package dev.llmfleet.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.config.OperatorConfig.VaultAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Secret values, tokens and the service-account JWT never reach a log line, at any level, nor a
 * failure message.
 */
class NoSecretInLogsTest {

  private static final String VALUE = "canary-value-5f1c2e";
  private static final String JWT = "canary-jwt-77ab90";
  private static final String TOKEN = "canary-token-c0ffee";

  @TempDir Path dir;

  @Test
  void theAppenderCatchesACanary() {
    CanaryLogAppender appender = new CanaryLogAppender(VALUE);
    LoggerFactory.getLogger("some.library").trace("debugging {}", VALUE);

    assertThatThrownBy(appender::close)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("TRACE some.library");
  }

  @Test
  void vaultReadsLoginsAndFailuresLogNoValue() throws Exception {
    Path jwt = dir.resolve("token");
    Files.writeString(jwt, JWT);
    try (FakeVault vault = new FakeVault();
        CanaryLogAppender appender = new CanaryLogAppender(VALUE, JWT, TOKEN)) {
      vault.answer(
          "auth/kubernetes/login",
          200,
          "{\"renewable\":false,\"auth\":{\"client_token\":\""
              + TOKEN
              + "\",\"accessor\":\"a\",\"policies\":[\"p\"],\"token_policies\":[\"p\"],\"metadata\":{},"
              + "\"lease_duration\":3600,\"renewable\":true,\"entity_id\":\"e\",\"token_type\":\"service\","
              + "\"orphan\":true,\"num_uses\":0}}");
      vault.kv("secret/ok", "{\"key\":\"" + VALUE + "\"}");
      vault.answer("secret/data/denied", 403, "{\"errors\":[\"permission denied " + VALUE + "\"]}");
      vault.answer("secret/data/broken", 500, "{\"errors\":[\"" + VALUE + "\"]}");
      VaultClient client =
          new VaultClient(
              new OperatorConfig.Vault(
                  vault.address(),
                  VaultAuth.KUBERNETES,
                  OperatorConfig.VaultIdentity.NAMESPACE,
                  "llmfleet-{namespace}",
                  "kubernetes",
                  "llmfleet-vault",
                  "vault",
                  Optional.empty(),
                  Optional.empty(),
                  Duration.ofSeconds(300),
                  Optional.empty(),
                  jwt),
              Clock.systemUTC());
      ServiceAccountTokens tokens = (namespace, serviceAccount, audience) -> JWT;

      assertThat(client.read("team-a", tokens, "secret", "ok")).containsEntry("key", VALUE);
      for (String path : new String[] {"denied", "broken", "missing"}) {
        assertThatThrownBy(() -> client.read("team-a", tokens, "secret", path))
            .isInstanceOf(SecretsFailure.class)
            .satisfies(e -> assertThat(e.toString()).doesNotContain(VALUE, JWT, TOKEN));
      }
      assertThat(appender.lines()).as("the client did log something").isPositive();
    }
  }
}
