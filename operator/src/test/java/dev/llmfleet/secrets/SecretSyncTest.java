package dev.llmfleet.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import dev.llmfleet.api.v1alpha1.common.VaultSecretRef;
import dev.llmfleet.common.Conditions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretSyncTest {

  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  private static final Duration REFRESH = Duration.ofSeconds(300);
  private static final List<SecretEnv> SPEC =
      List.of(
          SecretEnv.builder()
              .name("HF_TOKEN")
              .vault(VaultSecretRef.builder().mount("secret").path("llm/hf").key("token").build())
              .build(),
          SecretEnv.builder()
              .name("WANDB")
              .secretKeyRef(new SecretKeyRef("wandb", "apiKey"))
              .build());

  @Test
  void hashChangesOnlyWhenTheDataChanges() {
    Map<String, String> data = new LinkedHashMap<>(Map.of("A", "YQ==", "B", "Yg=="));
    Map<String, String> sameOtherOrder = new LinkedHashMap<>();
    sameOtherOrder.put("B", "Yg==");
    sameOtherOrder.put("A", "YQ==");

    String hash = SecretSync.hash("salt", data);

    assertThat(SecretSync.hash("salt", sameOtherOrder)).isEqualTo(hash);
    assertThat(SecretSync.hash("salt", Map.of("A", "YQ==", "B", "Yw=="))).isNotEqualTo(hash);
    assertThat(SecretSync.hash("salt", Map.of("A", "YQ=="))).isNotEqualTo(hash);
    assertThat(SecretSync.hash("other-salt", data))
        .as("keyed by the Secret's salt")
        .isNotEqualTo(hash);
    assertThat(hash).hasSize(32).matches("[0-9a-f]+");
  }

  @Test
  void thePollerReadsAgainAfterTheRefreshIntervalAndSoonerWhileAFailureLasts() {
    SecretSync sync =
        new SecretSync(
            Optional.empty(), Optional.empty(), REFRESH, Clock.fixed(T0, ZoneOffset.UTC));
    List<Condition> failingFor20s =
        Conditions.set(
            null, SecretSync.CONDITION, false, "VaultUnavailable", "down", 1, T0.minusSeconds(20));
    var fetcher = new SecretSync.ValuesFetcher<Download>(sync, null, d -> SPEC, d -> failingFor20s);
    SecretValues read = SecretValues.read(SecretSync.specHash(SPEC), Map.of("HF_TOKEN", "YQ=="));
    SecretValues failed =
        SecretValues.failed(SecretSync.specHash(SPEC), new SecretsFailure.VaultUnavailable("down"));

    assertThat(fetcher.fetchDelay(null, new Download()))
        .as("before the poller's first read, a resource whose status says it is failing")
        .hasValue(Duration.ofSeconds(20));
    List<Condition> synced =
        Conditions.set(null, SecretSync.CONDITION, true, "SecretsSynced", "", 1, T0);
    assertThat(
            new SecretSync.ValuesFetcher<Download>(sync, null, d -> SPEC, d -> synced)
                .fetchDelay(null, new Download()))
        .as("a restarted operator reads synced values at the next refresh, not twice at start")
        .hasValue(REFRESH);
    assertThat(
            new SecretSync.ValuesFetcher<Download>(sync, null, d -> SPEC, d -> null)
                .fetchDelay(null, new Download()))
        .as("a new resource: soon, in case its first read fails")
        .hasValue(Duration.ofSeconds(5));
    assertThat(fetcher.fetchDelay(Set.of(read), new Download())).hasValue(REFRESH);
    assertThat(fetcher.fetchDelay(Set.of(failed), new Download()))
        .as("as long as the failure has lasted")
        .hasValue(Duration.ofSeconds(20));
    assertThat(
            new SecretSync.ValuesFetcher<Download>(sync, null, d -> List.of(), d -> null)
                .fetchResources(new Download()))
        .as("a resource without secrets costs no read")
        .isEmpty();
  }

  @Test
  void equalReadsAreOneCacheEntrySoAPollThatFindsNothingNewWakesNothing() {
    String spec = SecretSync.specHash(SPEC);
    Map<String, String> data = new HashMap<>(Map.of("HF_TOKEN", "YQ==", "WANDB", "Yg=="));

    assertThat(SecretValues.read(spec, data)).isEqualTo(SecretValues.read(spec, Map.copyOf(data)));
    assertThat(SecretValues.read(spec, Map.of("HF_TOKEN", "Yw==", "WANDB", "Yg==")))
        .isNotEqualTo(SecretValues.read(spec, data));
    assertThat(SecretValues.failed(spec, new SecretsFailure.VaultUnavailable("down")))
        .isEqualTo(SecretValues.failed(spec, new SecretsFailure.VaultUnavailable("down")))
        .isNotEqualTo(SecretValues.failed(spec, new SecretsFailure.VaultUnavailable("sealed")));
  }

  @Test
  void aReadNamesItsVariablesButNeverAValue() {
    String canary = "canary-" + T0.toEpochMilli();
    String encoded = Base64.getEncoder().encodeToString(canary.getBytes(StandardCharsets.UTF_8));

    String text = SecretValues.read("spec", Map.of("HF_TOKEN", encoded)).toString();

    assertThat(text).contains("HF_TOKEN").doesNotContain(canary).doesNotContain(encoded);
  }

  @Test
  void specHashDependsOnTheReferencesOnly() {
    List<SecretEnv> otherKey =
        List.of(
            SecretEnv.builder()
                .name("HF_TOKEN")
                .vault(VaultSecretRef.builder().mount("secret").path("llm/hf").key("other").build())
                .build(),
            SPEC.get(1));
    List<SecretEnv> defaultMount =
        List.of(
            SecretEnv.builder()
                .name("HF_TOKEN")
                .vault(VaultSecretRef.builder().path("llm/hf").key("token").build())
                .build(),
            SPEC.get(1));

    assertThat(SecretSync.specHash(SPEC))
        .isEqualTo(SecretSync.specHash(List.copyOf(SPEC)))
        .isNotEqualTo(SecretSync.specHash(otherKey))
        .isEqualTo(SecretSync.specHash(defaultMount));
  }

  @Test
  void retriesBackOffWhileTheFailureLasts() {
    assertThat(SecretSync.retryDelay(null, T0, REFRESH)).isEqualTo(Duration.ofSeconds(5));
    List<Condition> failing =
        Conditions.set(null, SecretSync.CONDITION, false, "VaultUnavailable", "down", 1, T0);

    assertThat(SecretSync.retryDelay(failing, T0.plusSeconds(2), REFRESH))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(SecretSync.retryDelay(failing, T0.plusSeconds(20), REFRESH))
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(SecretSync.retryDelay(failing, T0.plusSeconds(3600), REFRESH)).isEqualTo(REFRESH);
    assertThat(SecretSync.retryDelay(failing, T0.plusSeconds(3600), Duration.ofHours(1)))
        .isEqualTo(Duration.ofMinutes(5));
    List<Condition> healthy =
        Conditions.set(null, SecretSync.CONDITION, true, "SecretsSynced", "", 1, T0);
    assertThat(SecretSync.retryDelay(healthy, T0.plusSeconds(3600), REFRESH))
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void blockedResourcesSayWhyInEveryKstatusCondition() {
    SyncResult failed =
        new SyncResult(
            false,
            java.util.Optional.empty(),
            "VaultPermissionDenied",
            "reading Vault secret secret/x at http://vault was refused",
            java.util.Optional.of(Duration.ofSeconds(5)));

    List<Condition> conditions = failed.blocked(null, 3, T0);

    assertThat(conditions)
        .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                SecretSync.CONDITION, "False", "VaultPermissionDenied"),
            org.assertj.core.groups.Tuple.tuple("Ready", "False", "VaultPermissionDenied"),
            org.assertj.core.groups.Tuple.tuple("Reconciling", "True", "VaultPermissionDenied"),
            org.assertj.core.groups.Tuple.tuple("Stalled", "False", "VaultPermissionDenied"));
  }

  private static SecretEnv vault(String name, String mount, String path) {
    return SecretEnv.builder()
        .name(name)
        .vault(VaultSecretRef.builder().mount(mount).path(path).key("token").build())
        .build();
  }

  @Test
  void aVaultPathOutsideTheNamespacesTemplateIsRefusedNamingThePathAndTheRule() {
    var template =
        java.util.Optional.of(new dev.llmfleet.config.VaultPathTemplate("llm/{namespace}/"));
    List<SecretEnv> own = List.of(vault("HF_TOKEN", "secret", "llm/team-a/hf"), SPEC.get(1));
    List<SecretEnv> neighbours =
        List.of(
            vault("OWN", "secret", "llm/team-a/hf"), vault("HF_TOKEN", "secret", "llm/team-b/hf"));

    assertThat(SecretSync.refusal("team-a", own, template)).isEmpty();
    assertThat(SecretSync.refusal("team-a", neighbours, template))
        .hasValueSatisfying(
            failure -> {
              assertThat(failure.reason()).isEqualTo("VaultPathNotAllowed");
              assertThat(failure.getMessage())
                  .isEqualTo(
                      "secrets entry HF_TOKEN reads Vault secret secret/llm/team-b/hf,"
                          + " outside what namespace team-a may read: LLMFLEET_VAULT_PATH_TEMPLATE llm/{namespace}/ allows paths"
                          + " under llm/team-a/ only; refused before any Vault call");
            });
    assertThat(SecretSync.refusal("team-b", neighbours, template))
        .as("team-b may not read team-a's")
        .isPresent();
  }

  @Test
  void dotSegmentsAndMountsThatReachIntoAnotherMountsDataAreRefused() {
    var template =
        java.util.Optional.of(new dev.llmfleet.config.VaultPathTemplate("llm/{namespace}/"));

    assertThat(
            SecretSync.refusal(
                "team-a", List.of(vault("A", "secret", "llm/team-a/../team-b/hf")), template))
        .isPresent();
    assertThat(
            SecretSync.refusal(
                "team-a",
                List.of(vault("A", "secret", "llm/team-a/../team-b/hf")),
                java.util.Optional.empty()))
        .as("also without a template: Vault would read another path")
        .isPresent();
    assertThat(
            SecretSync.refusal(
                "team-a",
                List.of(vault("A", "secret/..", "secret/data/x")),
                java.util.Optional.empty()))
        .isPresent();
    assertThat(
            SecretSync.refusal(
                "team-a", List.of(vault("A", "secret/data/llm/team-b", "llm/team-a/hf")), template))
        .hasValueSatisfying(f -> assertThat(f.getMessage()).contains("segment 'data'"));
    assertThat(
            SecretSync.refusal("team-a", List.of(vault("A", "team/kv", "llm/team-a/hf")), template))
        .isEmpty();
  }
}
