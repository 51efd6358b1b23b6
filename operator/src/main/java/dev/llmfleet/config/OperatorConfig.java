package dev.llmfleet.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The operator's settings, read once at start from environment variables (API.md, "Operator
 * configuration"). A blank variable counts as unset, because Helm renders unset values as "".
 *
 * @param namespaces namespaces to watch; empty means all namespaces
 * @param leaderElection present when leader election is on
 * @param image image of the pods the operator runs itself (downloads, cleanup)
 * @param hfEndpoint default Hugging Face endpoint, without a trailing slash
 * @param vault present when Vault is configured (LLMFLEET_VAULT_ADDR set)
 * @param maxFailedJobsPerNamespace failed run Jobs kept per namespace at most, whatever each
 *     resource's gc says
 * @param gpuMemoryMiB memory of one GPU by product name (the gpuType values), for the fit check
 *     where no node carries the nvidia.com/gpu.memory label
 * @param downloadNetwork proxies and CA bundle given to every download pod unless its Download says
 *     otherwise
 */
public record OperatorConfig(
    List<String> namespaces,
    int httpPort,
    Optional<LeaderElection> leaderElection,
    String image,
    String gpuResource,
    String gpuProductLabel,
    String gpuToleration,
    String hfEndpoint,
    Optional<Vault> vault,
    LogFormat logFormat,
    int maxFailedJobsPerNamespace,
    Map<String, Long> gpuMemoryMiB,
    DownloadNetwork downloadNetwork) {

  public static final String DEFAULT_IMAGE_REPOSITORY = "ghcr.io/llmfleet/llmfleet-operator";

  static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  public static final Path SERVICE_ACCOUNT_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?" + "(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  // Kubernetes "qualified name": optional DNS-subdomain prefix, then a name of at most 63 chars.
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile(
          "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
              + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

  /**
   * Memory as nvidia-smi and GPU feature discovery report it (MiB), of the products as GPU feature
   * discovery names them (its nvidia.com/gpu.product label).
   */
  public static final Map<String, Long> DEFAULT_GPU_MEMORY_MIB =
      Map.of(
          "NVIDIA-H100-80GB-HBM3", 81559L,
          "NVIDIA-H200", 143771L,
          "NVIDIA-A100-SXM4-80GB", 81920L,
          "NVIDIA-A100-SXM4-40GB", 40960L,
          "NVIDIA-L40S", 46068L,
          "NVIDIA-A10G", 23028L,
          "NVIDIA-L4", 23034L,
          "Tesla-T4", 15360L);

  public OperatorConfig {
    namespaces = List.copyOf(namespaces);
    gpuMemoryMiB = Map.copyOf(gpuMemoryMiB);
  }

  /**
   * Defaults for download pods: LLMFLEET_DOWNLOAD_HTTPS_PROXY, LLMFLEET_DOWNLOAD_HTTP_PROXY and
   * LLMFLEET_DOWNLOAD_NO_PROXY become the pods' HTTPS_PROXY, HTTP_PROXY and NO_PROXY;
   * LLMFLEET_DOWNLOAD_CA_CONFIGMAP ({@code name/key}, a ConfigMap in each Download's namespace)
   * their CA bundle. toString masks proxy credentials.
   */
  public record DownloadNetwork(
      Optional<String> httpsProxy,
      Optional<String> httpProxy,
      Optional<String> noProxy,
      Optional<ConfigMapKey> caConfigMap) {
    public static final DownloadNetwork NONE =
        new DownloadNetwork(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    @Override
    public String toString() {
      return "DownloadNetwork[httpsProxy="
          + httpsProxy.map(DownloadNetwork::mask)
          + ", httpProxy="
          + httpProxy.map(DownloadNetwork::mask)
          + ", noProxy="
          + noProxy
          + ", caConfigMap="
          + caConfigMap
          + "]";
    }

    /** {@code http://user:pass@proxy:3128} as {@code http://****@proxy:3128}. */
    public static String mask(String url) {
      return url.replaceAll("^([^@/]*://)?[^@/]*@", "$1****@");
    }
  }

  /** A key of a ConfigMap, named {@code name/key}. */
  public record ConfigMapKey(String name, String key) {}

  /** Lease-based leader election; the pod's own name and namespace identify it. */
  public record LeaderElection(String podName, String podNamespace) {}

  /**
   * How and where Vault is reached; {@code refreshInterval} is how often values are re-read.
   *
   * @param identity whose Vault identity reads a resource's secrets: a ServiceAccount of its own
   *     namespace, or the operator's
   * @param role Kubernetes-auth role; with the namespace identity it may contain {@code
   *     {namespace}}
   * @param serviceAccount with the namespace identity: the ServiceAccount of each namespace that
   *     logs in
   * @param audience with the namespace identity: the audience of the ServiceAccount tokens, which
   *     the Vault role must name
   * @param pathTemplate the paths each namespace may read; required with the operator identity
   * @param caCert PEM bundle of the CAs that sign Vault's certificate; absent means the JVM's trust
   *     store
   * @param jwtFile with the operator identity: the operator's service-account token presented at
   *     Kubernetes auth login, read anew at every login
   */
  public record Vault(
      String address,
      VaultAuth auth,
      VaultIdentity identity,
      String role,
      String authMount,
      String serviceAccount,
      String audience,
      Optional<VaultPathTemplate> pathTemplate,
      Optional<Secret> token,
      Duration refreshInterval,
      Optional<Path> caCert,
      Path jwtFile) {

    /** The Kubernetes-auth role that {@code namespace}'s resources log in with. */
    public String roleFor(String namespace) {
      return role.replace(VaultPathTemplate.NAMESPACE, namespace);
    }
  }

  public enum VaultAuth {
    KUBERNETES,
    TOKEN
  }

  public enum VaultIdentity {
    NAMESPACE,
    OPERATOR
  }

  public enum LogFormat {
    TEXT,
    JSON
  }

  /** A secret value whose toString never reveals it, so configs can be logged as a whole. */
  public record Secret(String value) {
    @Override
    public String toString() {
      return "****";
    }
  }

  public boolean watchesAllNamespaces() {
    return namespaces.isEmpty();
  }

  /** Parses the process environment; use {@code System.getenv()} in production. */
  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    return parse(env, SERVICE_ACCOUNT_NAMESPACE);
  }

  /** Only the log format: logging is set up before anything else, for every command. */
  public static LogFormat parseLogFormat(Map<String, String> env) {
    Parser p = new Parser(env);
    LogFormat format = p.logFormat();
    p.throwIfInvalid();
    return format;
  }

  static OperatorConfig parse(Map<String, String> env, Path serviceAccountNamespaceFile) {
    Parser p = new Parser(env);
    var config =
        new OperatorConfig(
            p.namespaces(),
            p.integer("LLMFLEET_HTTP_PORT", 8080, 1, 65535),
            p.leaderElection(serviceAccountNamespaceFile),
            p.image(),
            p.qualifiedName("LLMFLEET_GPU_RESOURCE", "nvidia.com/gpu"),
            p.qualifiedName("LLMFLEET_GPU_PRODUCT_LABEL", "nvidia.com/gpu.product"),
            p.qualifiedName("LLMFLEET_GPU_TOLERATION", "nvidia.com/gpu"),
            p.url("LLMFLEET_HF_ENDPOINT").orElse("https://huggingface.co"),
            p.vault(),
            p.logFormat(),
            p.integer("LLMFLEET_MAX_FAILED_JOBS_PER_NAMESPACE", 20, 0, 10000),
            p.gpuMemory(),
            p.downloadNetwork());
    p.throwIfInvalid();
    return config;
  }

  /** Reads variables, collecting every problem so that one run reports all of them. */
  private static final class Parser {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    Parser(Map<String, String> env) {
      this.env = env;
    }

    void throwIfInvalid() {
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
    }

    Optional<String> get(String name) {
      return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** Parses a set variable; on failure records "NAME must be VALID, got "value"". */
    <T> Optional<T> parse(String name, String valid, Function<String, Optional<T>> parser) {
      Optional<String> raw = get(name);
      Optional<T> value = raw.flatMap(parser);
      if (raw.isPresent() && value.isEmpty()) {
        problems.add(name + " must be " + valid + ", got \"" + raw.get() + "\"");
      }
      return value;
    }

    int integer(String name, int defaultValue, int min, int max) {
      String valid =
          max == Integer.MAX_VALUE
              ? "a positive integer"
              : "an integer between " + min + " and " + max;
      return parse(name, valid, v -> parseInt(v).filter(i -> i >= min && i <= max))
          .orElse(defaultValue);
    }

    boolean bool(String name, boolean defaultValue) {
      return parse(
              name,
              "true or false",
              v ->
                  switch (v.toLowerCase(Locale.ROOT)) {
                    case "true" -> Optional.of(true);
                    case "false" -> Optional.of(false);
                    default -> Optional.empty();
                  })
          .orElse(defaultValue);
    }

    <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
      List<String> names = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        names.add(e.name().toLowerCase(Locale.ROOT));
      }
      return parse(
              name,
              String.join(" or ", names),
              v ->
                  Optional.of(v.toLowerCase(Locale.ROOT))
                      .filter(names::contains)
                      .map(n -> Enum.valueOf(type, n.toUpperCase(Locale.ROOT))))
          .orElse(defaultValue);
    }

    /** An http(s) URL without trailing slashes, so that callers can append paths. */
    Optional<String> url(String name) {
      return parse(name, "an http:// or https:// URL", Parser::httpUrl);
    }

    String qualifiedName(String name, String defaultValue) {
      String valid = "a Kubernetes qualified name like " + defaultValue;
      return parse(name, valid, v -> Optional.of(v).filter(QUALIFIED_NAME.asMatchPredicate()))
          .orElse(defaultValue);
    }

    List<String> namespaces() {
      var namespaces = new LinkedHashSet<String>();
      for (String entry : get("LLMFLEET_NAMESPACES").orElse("").split(",")) {
        String namespace = entry.trim();
        if (namespace.isEmpty()) {
          continue;
        }
        if (DNS_LABEL.matcher(namespace).matches()) {
          namespaces.add(namespace);
        } else {
          problems.add(
              "LLMFLEET_NAMESPACES must be a comma-separated list of namespace names (lowercase"
                  + " letters, digits and '-', at most 63 characters), got \""
                  + namespace
                  + "\"");
        }
      }
      return List.copyOf(namespaces);
    }

    Optional<LeaderElection> leaderElection(Path serviceAccountNamespaceFile) {
      // In a pod, several replicas may run (rolling updates, HA); outside, a developer runs one.
      boolean inPod = get("KUBERNETES_SERVICE_HOST").isPresent();
      if (!bool("LLMFLEET_LEADER_ELECTION", inPod)) {
        return Optional.empty();
      }
      Optional<String> podName = get("POD_NAME");
      Optional<String> podNamespace =
          get("POD_NAMESPACE").or(() -> readTrimmed(serviceAccountNamespaceFile));
      if (podName.isEmpty()) {
        problems.add(
            "LLMFLEET_LEADER_ELECTION is on but POD_NAME is not set; set it from the downward API"
                + " (fieldRef metadata.name) or set LLMFLEET_LEADER_ELECTION=false");
      }
      if (podNamespace.isEmpty()) {
        problems.add(
            "LLMFLEET_LEADER_ELECTION is on but POD_NAMESPACE is not set and "
                + serviceAccountNamespaceFile
                + " is not readable; set it from the downward API (fieldRef metadata.namespace)");
      }
      return podName.flatMap(name -> podNamespace.map(ns -> new LeaderElection(name, ns)));
    }

    String image() {
      String valid = "an image reference without spaces";
      return parse("LLMFLEET_IMAGE", valid, v -> Optional.of(v).filter(i -> !i.matches(".*\\s.*")))
          .orElse(DEFAULT_IMAGE_REPOSITORY + ":" + Version.CURRENT);
    }

    DownloadNetwork downloadNetwork() {
      return new DownloadNetwork(
          proxy("LLMFLEET_DOWNLOAD_HTTPS_PROXY"),
          proxy("LLMFLEET_DOWNLOAD_HTTP_PROXY"),
          get("LLMFLEET_DOWNLOAD_NO_PROXY"),
          parse(
              "LLMFLEET_DOWNLOAD_CA_CONFIGMAP",
              "<configmap>/<key>, for example corp-ca/ca.crt",
              v -> {
                String[] parts = v.split("/", -1);
                return parts.length == 2
                        && parts[0].matches("[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?")
                        && parts[1].matches("[-._a-zA-Z0-9]{1,253}")
                    ? Optional.of(new ConfigMapKey(parts[0], parts[1]))
                    : Optional.empty();
              }));
    }

    /**
     * A proxy URL without credentials: they would be plain values in every download pod's spec. A
     * proxy that needs them is given per Download through spec.secrets (HTTPS_PROXY). Reported
     * masked either way.
     */
    private Optional<String> proxy(String name) {
      Optional<String> raw = get(name);
      if (raw.isPresent() && raw.get().contains("@")) {
        problems.add(
            name
                + " must not hold credentials (\""
                + DownloadNetwork.mask(raw.get())
                + "\"): they would be"
                + " plain values in every download pod's spec; give a proxy URL with credentials per Download, from a Secret"
                + " through spec.secrets (name HTTPS_PROXY)");
        return Optional.empty();
      }
      if (raw.isPresent() && !raw.get().matches("(?i)(https?://)?[^@/\\s]+/?")) {
        problems.add(name + " must be [http://]host[:port], got \"" + raw.get() + "\"");
        return Optional.empty();
      }
      return raw;
    }

    Optional<Vault> vault() {
      Optional<String> address = url("LLMFLEET_VAULT_ADDR");
      if (address.isEmpty()) {
        return Optional.empty();
      }
      VaultAuth auth = choice("LLMFLEET_VAULT_AUTH", VaultAuth.class, VaultAuth.KUBERNETES);
      Optional<Secret> token = get("LLMFLEET_VAULT_TOKEN").map(Secret::new);
      if (auth == VaultAuth.TOKEN && token.isEmpty()) {
        problems.add("LLMFLEET_VAULT_AUTH=token requires LLMFLEET_VAULT_TOKEN to be set");
      }
      // A token is one identity for every namespace.
      VaultIdentity identity =
          choice(
              "LLMFLEET_VAULT_IDENTITY",
              VaultIdentity.class,
              auth == VaultAuth.TOKEN ? VaultIdentity.OPERATOR : VaultIdentity.NAMESPACE);
      if (auth == VaultAuth.TOKEN && identity == VaultIdentity.NAMESPACE) {
        problems.add(
            "LLMFLEET_VAULT_AUTH=token is one identity for all namespaces: it needs"
                + " LLMFLEET_VAULT_IDENTITY=operator and LLMFLEET_VAULT_PATH_TEMPLATE, or use LLMFLEET_VAULT_AUTH=kubernetes");
      }
      Optional<String> rawTemplate = get("LLMFLEET_VAULT_PATH_TEMPLATE");
      rawTemplate.ifPresent(
          t ->
              VaultPathTemplate.problem(t)
                  .ifPresent(
                      problem ->
                          problems.add("LLMFLEET_VAULT_PATH_TEMPLATE \"" + t + "\" " + problem)));
      Optional<VaultPathTemplate> pathTemplate =
          rawTemplate
              .filter(t -> VaultPathTemplate.problem(t).isEmpty())
              .map(VaultPathTemplate::new);
      if (identity == VaultIdentity.OPERATOR && rawTemplate.isEmpty()) {
        problems.add(
            "LLMFLEET_VAULT_IDENTITY=operator (also implied by LLMFLEET_VAULT_AUTH=token) reads every"
                + " namespace's secrets with one identity: it requires LLMFLEET_VAULT_PATH_TEMPLATE with "
                + VaultPathTemplate.NAMESPACE
                + ", for example llm/"
                + VaultPathTemplate.NAMESPACE
                + "/, so that a"
                + " namespace reads only its own paths");
      }
      String role = get("LLMFLEET_VAULT_ROLE").orElse("llmfleet");
      if (identity == VaultIdentity.OPERATOR && role.contains(VaultPathTemplate.NAMESPACE)) {
        problems.add(
            "LLMFLEET_VAULT_ROLE "
                + role
                + " contains "
                + VaultPathTemplate.NAMESPACE
                + ", which only"
                + " LLMFLEET_VAULT_IDENTITY=namespace fills in");
      }
      return Optional.of(
          new Vault(
              address.get(),
              auth,
              identity,
              role,
              get("LLMFLEET_VAULT_AUTH_MOUNT").orElse("kubernetes"),
              parse(
                      "LLMFLEET_VAULT_SERVICE_ACCOUNT",
                      "a ServiceAccount name (lowercase letters, digits, '-' and" + " '.')",
                      v -> Optional.of(v).filter(DNS_SUBDOMAIN.asMatchPredicate()))
                  .orElse("llmfleet-vault"),
              get("LLMFLEET_VAULT_AUDIENCE").orElse("vault"),
              pathTemplate,
              token,
              Duration.ofSeconds(
                  integer("LLMFLEET_SECRET_REFRESH_SECONDS", 300, 1, Integer.MAX_VALUE)),
              parse(
                  "LLMFLEET_VAULT_CACERT",
                  "a readable PEM file with at least one certificate",
                  Parser::pemFile),
              get("LLMFLEET_VAULT_JWT_FILE").map(Path::of).orElse(SERVICE_ACCOUNT_TOKEN)));
    }

    /** LLMFLEET_GPU_MEMORY_MIB=product=MiB,...: entries added to (or replacing) the defaults. */
    Map<String, Long> gpuMemory() {
      Map<String, Long> table = new java.util.HashMap<>(DEFAULT_GPU_MEMORY_MIB);
      for (String entry : get("LLMFLEET_GPU_MEMORY_MIB").orElse("").split(",")) {
        if (entry.isBlank()) {
          continue;
        }
        String[] pair = entry.trim().split("=", 2);
        Optional<Integer> mib =
            pair.length == 2 ? parseInt(pair[1].trim()).filter(m -> m > 0) : Optional.empty();
        if (mib.isEmpty() || pair[0].isBlank()) {
          problems.add(
              "LLMFLEET_GPU_MEMORY_MIB must be a comma-separated list of <gpu product>=<MiB>, e.g. "
                  + "NVIDIA-A10G=23028, got \""
                  + entry.trim()
                  + "\"");
        } else {
          table.put(pair[0].trim(), mib.get().longValue());
        }
      }
      return table;
    }

    LogFormat logFormat() {
      return choice("LLMFLEET_LOG_FORMAT", LogFormat.class, LogFormat.TEXT);
    }

    private static Optional<Integer> parseInt(String value) {
      try {
        return Optional.of(Integer.parseInt(value));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    private static Optional<String> httpUrl(String value) {
      try {
        URI uri = new URI(value);
        boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        return http && uri.getHost() != null
            ? Optional.of(value.replaceAll("/+$", ""))
            : Optional.empty();
      } catch (URISyntaxException e) {
        return Optional.empty();
      }
    }

    /**
     * Checked at start, so that a wrong path fails the operator at once, not at the first Vault
     * call.
     */
    private static Optional<Path> pemFile(String value) {
      Path file = Path.of(value);
      return readTrimmed(file)
          .filter(pem -> pem.contains("-----BEGIN CERTIFICATE-----"))
          .map(pem -> file);
    }

    private static Optional<String> readTrimmed(Path file) {
      try {
        return Optional.of(Files.readString(file).trim()).filter(s -> !s.isEmpty());
      } catch (IOException e) {
        return Optional.empty();
      }
    }
  }
}
