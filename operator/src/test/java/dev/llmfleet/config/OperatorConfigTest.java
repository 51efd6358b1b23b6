package dev.llmfleet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmfleet.config.OperatorConfig.LeaderElection;
import dev.llmfleet.config.OperatorConfig.LogFormat;
import dev.llmfleet.config.OperatorConfig.VaultAuth;
import dev.llmfleet.config.OperatorConfig.VaultIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorConfigTest {

  private static final Path NO_FILE = Path.of("/nonexistent/namespace");

  @TempDir Path tmp;

  @Test
  void defaultsOutsideAPod() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());

    assertThat(config.namespaces()).isEmpty();
    assertThat(config.watchesAllNamespaces()).isTrue();
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.leaderElection()).isEmpty();
    assertThat(config.image()).isEqualTo("ghcr.io/llmfleet/llmfleet-operator:dev");
    assertThat(config.gpuResource()).isEqualTo("nvidia.com/gpu");
    assertThat(config.gpuProductLabel()).isEqualTo("nvidia.com/gpu.product");
    assertThat(config.gpuToleration()).isEqualTo("nvidia.com/gpu");
    assertThat(config.hfEndpoint()).isEqualTo("https://huggingface.co");
    assertThat(config.vault()).isEmpty();
    assertThat(config.logFormat()).isEqualTo(LogFormat.TEXT);
    assertThat(config.maxFailedJobsPerNamespace()).isEqualTo(20);
  }

  @Test
  void leaderElectionIsOnByDefaultInAPod() {
    var env =
        Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "POD_NAME", "op-1", "POD_NAMESPACE", "ops");

    assertThat(parse(env).leaderElection()).contains(new LeaderElection("op-1", "ops"));
  }

  @Test
  void leaderElectionCanBeTurnedOffInAPod() {
    var env = Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "LLMFLEET_LEADER_ELECTION", "false");

    assertThat(parse(env).leaderElection()).isEmpty();
  }

  @Test
  void podNamespaceFallsBackToTheServiceAccountFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("namespace"), "llmfleet-system\n");
    var env = Map.of("LLMFLEET_LEADER_ELECTION", "TRUE", "POD_NAME", "op-1");

    assertThat(OperatorConfig.parse(env, file).leaderElection())
        .contains(new LeaderElection("op-1", "llmfleet-system"));
  }

  @Test
  void leaderElectionNeedsPodNameAndNamespace() {
    assertThatThrownBy(() -> parse(Map.of("LLMFLEET_LEADER_ELECTION", "true")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LLMFLEET_LEADER_ELECTION is on but POD_NAME is not set;")
        .hasMessageContaining("; LLMFLEET_LEADER_ELECTION is on but POD_NAMESPACE is not set");
  }

  @Test
  void readsEverySetting() {
    var env = new HashMap<String, String>();
    env.put("LLMFLEET_NAMESPACES", " models, team-a ,,models");
    env.put("LLMFLEET_HTTP_PORT", "9090");
    env.put("LLMFLEET_IMAGE", "registry.local/llmfleet:1.2.3");
    env.put("LLMFLEET_GPU_RESOURCE", "amd.com/gpu");
    env.put("LLMFLEET_GPU_PRODUCT_LABEL", "amd.com/gpu.product-name");
    env.put("LLMFLEET_GPU_TOLERATION", "amd.com/gpu");
    env.put("LLMFLEET_HF_ENDPOINT", "https://hf-mirror.local/");
    env.put("LLMFLEET_VAULT_ADDR", "https://vault.vault:8200");
    env.put("LLMFLEET_VAULT_AUTH", "token");
    env.put("LLMFLEET_VAULT_TOKEN", "s.secret");
    env.put("LLMFLEET_VAULT_PATH_TEMPLATE", "llm/{namespace}/");
    env.put("LLMFLEET_VAULT_ROLE", "fleet");
    env.put("LLMFLEET_VAULT_AUTH_MOUNT", "k8s-prod");
    env.put("LLMFLEET_SECRET_REFRESH_SECONDS", "60");
    env.put("LLMFLEET_LOG_FORMAT", "json");
    env.put("LLMFLEET_MAX_FAILED_JOBS_PER_NAMESPACE", "0");

    OperatorConfig config = parse(env);

    assertThat(config.namespaces()).containsExactly("models", "team-a");
    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.image()).isEqualTo("registry.local/llmfleet:1.2.3");
    assertThat(config.gpuResource()).isEqualTo("amd.com/gpu");
    assertThat(config.gpuProductLabel()).isEqualTo("amd.com/gpu.product-name");
    assertThat(config.gpuToleration()).isEqualTo("amd.com/gpu");
    assertThat(config.hfEndpoint()).isEqualTo("https://hf-mirror.local");
    assertThat(config.logFormat()).isEqualTo(LogFormat.JSON);
    assertThat(config.maxFailedJobsPerNamespace()).isZero();
    var vault = config.vault().orElseThrow();
    assertThat(vault.address()).isEqualTo("https://vault.vault:8200");
    assertThat(vault.auth()).isEqualTo(VaultAuth.TOKEN);
    assertThat(vault.identity())
        .as("a token is an operator identity")
        .isEqualTo(VaultIdentity.OPERATOR);
    assertThat(vault.pathTemplate()).contains(new VaultPathTemplate("llm/{namespace}/"));
    assertThat(vault.token().orElseThrow().value()).isEqualTo("s.secret");
    assertThat(vault.role()).isEqualTo("fleet");
    assertThat(vault.authMount()).isEqualTo("k8s-prod");
    assertThat(vault.refreshInterval()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void vaultDefaults() {
    var vault = parse(Map.of("LLMFLEET_VAULT_ADDR", "http://127.0.0.1:8200")).vault().orElseThrow();

    assertThat(vault.auth()).isEqualTo(VaultAuth.KUBERNETES);
    assertThat(vault.identity()).isEqualTo(VaultIdentity.NAMESPACE);
    assertThat(vault.serviceAccount()).isEqualTo("llmfleet-vault");
    assertThat(vault.audience()).isEqualTo("vault");
    assertThat(vault.pathTemplate()).isEmpty();
    assertThat(vault.role()).isEqualTo("llmfleet");
    assertThat(vault.authMount()).isEqualTo("kubernetes");
    assertThat(vault.token()).isEmpty();
    assertThat(vault.refreshInterval()).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void blankValuesMeanDefaults() {
    // Helm renders unset values as empty strings.
    var env = Map.of("LLMFLEET_HTTP_PORT", "", "LLMFLEET_VAULT_ADDR", " ", "LLMFLEET_IMAGE", "");

    OperatorConfig config = parse(env);

    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.vault()).isEmpty();
    assertThat(config.image()).startsWith("ghcr.io/llmfleet/llmfleet-operator:");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "LLMFLEET_HTTP_PORT | abc | LLMFLEET_HTTP_PORT must be an integer between 1 and 65535, got \"abc\"",
        "LLMFLEET_HTTP_PORT | 0 | LLMFLEET_HTTP_PORT must be an integer between 1 and 65535, got \"0\"",
        "LLMFLEET_HTTP_PORT | 70000 | LLMFLEET_HTTP_PORT must be an integer between 1 and 65535, got \"70000\"",
        "LLMFLEET_LEADER_ELECTION | yes | LLMFLEET_LEADER_ELECTION must be true or false, got \"yes\"",
        "LLMFLEET_NAMESPACES | models,Team_A | LLMFLEET_NAMESPACES must be a comma-separated list of namespace names (lowercase letters, digits and '-', at most 63 characters), got \"Team_A\"",
        "LLMFLEET_IMAGE | my image | LLMFLEET_IMAGE must be an image reference without spaces, got \"my image\"",
        "LLMFLEET_GPU_RESOURCE | nvidia.com/ | LLMFLEET_GPU_RESOURCE must be a Kubernetes qualified name like nvidia.com/gpu, got \"nvidia.com/\"",
        "LLMFLEET_GPU_PRODUCT_LABEL | gpu product | LLMFLEET_GPU_PRODUCT_LABEL must be a Kubernetes qualified name like nvidia.com/gpu.product, got \"gpu product\"",
        "LLMFLEET_GPU_TOLERATION | -gpu | LLMFLEET_GPU_TOLERATION must be a Kubernetes qualified name like nvidia.com/gpu, got \"-gpu\"",
        "LLMFLEET_HF_ENDPOINT | ftp://hf.local | LLMFLEET_HF_ENDPOINT must be an http:// or https:// URL, got \"ftp://hf.local\"",
        "LLMFLEET_HF_ENDPOINT | huggingface.co | LLMFLEET_HF_ENDPOINT must be an http:// or https:// URL, got \"huggingface.co\"",
        "LLMFLEET_VAULT_ADDR | vault:8200 | LLMFLEET_VAULT_ADDR must be an http:// or https:// URL, got \"vault:8200\"",
        "LLMFLEET_LOG_FORMAT | yaml | LLMFLEET_LOG_FORMAT must be text or json, got \"yaml\"",
        "LLMFLEET_MAX_FAILED_JOBS_PER_NAMESPACE | -1 | LLMFLEET_MAX_FAILED_JOBS_PER_NAMESPACE must be an integer between 0 and 10000, got \"-1\"",
        "LLMFLEET_MAX_FAILED_JOBS_PER_NAMESPACE | lots | LLMFLEET_MAX_FAILED_JOBS_PER_NAMESPACE must be an integer between 0 and 10000, got \"lots\"",
      })
  void rejectsABadValueNamingTheVariable(String variable, String value, String message) {
    assertThatThrownBy(() -> parse(Map.of(variable, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "LLMFLEET_VAULT_AUTH | ldap | LLMFLEET_VAULT_AUTH must be kubernetes or token, got \"ldap\"",
        "LLMFLEET_SECRET_REFRESH_SECONDS | 0 | LLMFLEET_SECRET_REFRESH_SECONDS must be a positive integer, got \"0\"",
        "LLMFLEET_SECRET_REFRESH_SECONDS | 5m | LLMFLEET_SECRET_REFRESH_SECONDS must be a positive integer, got \"5m\"",
        "LLMFLEET_VAULT_IDENTITY | pod | LLMFLEET_VAULT_IDENTITY must be namespace or operator, got \"pod\"",
        "LLMFLEET_VAULT_SERVICE_ACCOUNT | Vault_SA | LLMFLEET_VAULT_SERVICE_ACCOUNT must be a ServiceAccount name (lowercase letters, digits, '-' and '.'), got \"Vault_SA\"",
      })
  void rejectsABadVaultValue(String variable, String value, String message) {
    var env = Map.of("LLMFLEET_VAULT_ADDR", "https://vault:8200", variable, value);

    assertThatThrownBy(() -> parse(env)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void theOperatorIdentityWithoutAPathTemplateFailsAtStart() {
    String needsTemplate =
        "LLMFLEET_VAULT_IDENTITY=operator (also implied by LLMFLEET_VAULT_AUTH=token) reads every"
            + " namespace's secrets with one identity: it requires LLMFLEET_VAULT_PATH_TEMPLATE with {namespace}, for"
            + " example llm/{namespace}/, so that a namespace reads only its own paths";

    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        "LLMFLEET_VAULT_ADDR",
                        "https://vault:8200",
                        "LLMFLEET_VAULT_IDENTITY",
                        "operator")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(needsTemplate);
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        "LLMFLEET_VAULT_ADDR",
                        "https://vault:8200",
                        "LLMFLEET_VAULT_AUTH",
                        "token",
                        "LLMFLEET_VAULT_TOKEN",
                        "s.x")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(needsTemplate);
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        "LLMFLEET_VAULT_ADDR",
                        "https://vault:8200",
                        "LLMFLEET_VAULT_AUTH",
                        "token",
                        "LLMFLEET_VAULT_TOKEN",
                        "s.x",
                        "LLMFLEET_VAULT_IDENTITY",
                        "namespace",
                        "LLMFLEET_VAULT_PATH_TEMPLATE",
                        "llm/{namespace}/")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LLMFLEET_VAULT_AUTH=token is one identity");
  }

  @Test
  void aPathTemplateWithoutTheNamespaceFailsAtStart() {
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        "LLMFLEET_VAULT_ADDR",
                        "https://vault:8200",
                        "LLMFLEET_VAULT_IDENTITY",
                        "operator",
                        "LLMFLEET_VAULT_PATH_TEMPLATE",
                        "llm/shared/")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "LLMFLEET_VAULT_PATH_TEMPLATE \"llm/shared/\" must contain {namespace}, so that each namespace"
                + " reads only its own paths, for example llm/{namespace}/");
  }

  @Test
  void theOperatorIdentityWithATemplateAndANamespaceRole() {
    var operator =
        parse(
                Map.of(
                    "LLMFLEET_VAULT_ADDR",
                    "https://vault:8200",
                    "LLMFLEET_VAULT_IDENTITY",
                    "operator",
                    "LLMFLEET_VAULT_PATH_TEMPLATE",
                    "llmfleet/{namespace}/"))
            .vault()
            .orElseThrow();
    assertThat(operator.identity()).isEqualTo(VaultIdentity.OPERATOR);
    assertThat(operator.pathTemplate().orElseThrow().allows("team-a", "llmfleet/team-a/hf"))
        .isTrue();

    var perNamespace =
        parse(
                Map.of(
                    "LLMFLEET_VAULT_ADDR",
                    "https://vault:8200",
                    "LLMFLEET_VAULT_ROLE",
                    "llmfleet-{namespace}",
                    "LLMFLEET_VAULT_SERVICE_ACCOUNT",
                    "vault-reader",
                    "LLMFLEET_VAULT_AUDIENCE",
                    "https://vault.example"))
            .vault()
            .orElseThrow();
    assertThat(perNamespace.roleFor("team-a")).isEqualTo("llmfleet-team-a");
    assertThat(perNamespace.serviceAccount()).isEqualTo("vault-reader");
    assertThat(perNamespace.audience()).isEqualTo("https://vault.example");

    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        "LLMFLEET_VAULT_ADDR",
                        "https://vault:8200",
                        "LLMFLEET_VAULT_IDENTITY",
                        "operator",
                        "LLMFLEET_VAULT_PATH_TEMPLATE",
                        "llm/{namespace}/",
                        "LLMFLEET_VAULT_ROLE",
                        "r-{namespace}")))
        .hasMessageContaining("only LLMFLEET_VAULT_IDENTITY=namespace fills in");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    var env = Map.of("LLMFLEET_HTTP_PORT", "abc", "LLMFLEET_LOG_FORMAT", "yaml");

    assertThatThrownBy(() -> parse(env))
        .hasMessage(
            "LLMFLEET_HTTP_PORT must be an integer between 1 and 65535, got \"abc\"; "
                + "LLMFLEET_LOG_FORMAT must be text or json, got \"yaml\"");
  }

  @Test
  void vaultCaBundleAndTokenFile(@TempDir Path dir) throws Exception {
    Path ca = dir.resolve("ca.pem");
    Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    var vault =
        parse(
                Map.of(
                    "LLMFLEET_VAULT_ADDR", "https://vault:8200",
                    "LLMFLEET_VAULT_CACERT", ca.toString(),
                    "LLMFLEET_VAULT_JWT_FILE", "/tmp/token"))
            .vault()
            .orElseThrow();

    assertThat(vault.caCert()).contains(ca);
    assertThat(vault.jwtFile()).isEqualTo(Path.of("/tmp/token"));
    assertThat(
            parse(Map.of("LLMFLEET_VAULT_ADDR", "https://vault:8200"))
                .vault()
                .orElseThrow()
                .jwtFile())
        .isEqualTo(OperatorConfig.SERVICE_ACCOUNT_TOKEN);
  }

  @Test
  void rejectsAVaultCaBundleThatIsMissingOrNoCertificate(@TempDir Path dir) throws Exception {
    Path notPem = dir.resolve("key.txt");
    Files.writeString(notPem, "hello");

    for (Path path : List.of(dir.resolve("missing.pem"), notPem)) {
      assertThatThrownBy(
              () ->
                  parse(
                      Map.of(
                          "LLMFLEET_VAULT_ADDR",
                          "https://vault:8200",
                          "LLMFLEET_VAULT_CACERT",
                          path.toString())))
          .hasMessage(
              "LLMFLEET_VAULT_CACERT must be a readable PEM file with at least one certificate, got \""
                  + path
                  + "\"");
    }
  }

  @Test
  void neverShowsTheVaultToken() {
    var env =
        Map.of(
            "LLMFLEET_VAULT_ADDR", "https://vault:8200",
            "LLMFLEET_VAULT_AUTH", "token",
            "LLMFLEET_VAULT_TOKEN", "hvs.very-secret",
            "LLMFLEET_VAULT_PATH_TEMPLATE", "llm/{namespace}/");

    OperatorConfig config = parse(env);

    assertThat(config.toString()).doesNotContain("very-secret").contains("****");
    assertThat(config.vault().orElseThrow().toString()).doesNotContain("very-secret");
  }

  @Test
  void parsesTheLogFormatAlone() {
    assertThat(OperatorConfig.parseLogFormat(Map.of("LLMFLEET_LOG_FORMAT", "JSON")))
        .isEqualTo(LogFormat.JSON);
    assertThat(OperatorConfig.parseLogFormat(Map.of())).isEqualTo(LogFormat.TEXT);
  }

  private static OperatorConfig parse(Map<String, String> env) {
    return OperatorConfig.parse(env, NO_FILE);
  }
}
