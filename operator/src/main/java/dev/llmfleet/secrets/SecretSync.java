package dev.llmfleet.secrets;

import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import dev.llmfleet.api.v1alpha1.common.VaultSecretRef;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.EventRecorder;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.OwnerReferences;
import dev.llmfleet.common.SecretEnvVars;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.config.VaultPathTemplate;
import dev.llmfleet.secrets.SecretsFailure.SecretNotFound;
import dev.llmfleet.secrets.SecretsFailure.VaultNotConfigured;
import dev.llmfleet.secrets.SecretsFailure.VaultPathNotAllowed;
import dev.llmfleet.secrets.SecretsFailure.VaultSecretNotFound;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secrets step shared by the three reconcilers: the values of {@code spec.secrets} (Vault and
 * secretKeyRef entries alike) are copied into one Secret {@code <name>-secrets} owned by the
 * resource, one key per variable, and containers read them from there ({@link SecretEnvVars}).
 *
 * <p>The values are read by each kind's {@link SecretValuesSource}, a JOSDK per-resource poller: at
 * once when the spec's list changes, otherwise once per refresh interval whatever else triggers a
 * reconcile, so several rotations within one interval become one change of the data hash and pods
 * roll once. The Secret is written only when its data changes, so a settled fleet causes no writes.
 * When a read fails the Secret is left as it is (running pods keep their values), the failure
 * becomes condition SecretsReady=False, and the poller tries again after a delay that grows while
 * the failure lasts (5 s, then doubling, at most the refresh interval or 5 minutes).
 *
 * <p>Kubernetes verbs used on Secrets: get (the user's Secrets of secretKeyRef entries, and the
 * owned one), patch (server-side apply of the owned one), delete (the owned one, when spec.secrets
 * becomes empty).
 */
public final class SecretSync {

  public static final String CONDITION = "SecretsReady";

  /** On pod templates: changes exactly when the synced data changes. */
  public static final String HASH_ANNOTATION = "llmfleet.dev/secrets-hash";

  static final String COMPONENT = "secrets";
  static final String SYNCED = "SecretsSynced";
  static final String NO_SECRETS = "NoSecrets";

  /**
   * Key of the data hash, kept on the Secret itself: a reader of pod templates who cannot read
   * Secrets cannot test guesses of a value against the hash.
   */
  static final String SALT_ANNOTATION = "llmfleet.dev/hash-salt";

  static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  static final Duration MAX_RETRY = Duration.ofMinutes(5);
  static final Duration DEFAULT_REFRESH = Duration.ofSeconds(300);

  private static final Logger log = LoggerFactory.getLogger(SecretSync.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Optional<VaultClient> vault;
  private final Optional<VaultPathTemplate> pathTemplate;
  private final Duration refresh;
  private final Clock clock;

  public SecretSync(OperatorConfig config) {
    this(
        config.vault().map(VaultClient::create),
        config.vault().flatMap(OperatorConfig.Vault::pathTemplate),
        config.vault().map(OperatorConfig.Vault::refreshInterval).orElse(DEFAULT_REFRESH),
        Clock.systemUTC());
  }

  SecretSync(
      Optional<VaultClient> vault,
      Optional<VaultPathTemplate> pathTemplate,
      Duration refresh,
      Clock clock) {
    this.vault = vault;
    this.pathTemplate = pathTemplate;
    this.refresh = refresh;
    this.clock = clock;
  }

  /** The Secret that holds a resource's secret values. */
  public static String secretName(HasMetadata owner) {
    return SecretEnvVars.secretName(owner);
  }

  /**
   * The poller of the values of {@code type}'s spec.secrets, for its reconciler's event sources.
   *
   * @param secretsOf a resource's spec.secrets
   * @param conditionsOf a resource's stored conditions, for the retry delay after repeated failures
   */
  public <P extends HasMetadata> SecretValuesSource<P> valuesSource(
      Class<P> type,
      EventSourceContext<P> context,
      Function<P, List<SecretEnv>> secretsOf,
      Function<P, List<Condition>> conditionsOf) {
    return SecretValuesSource.of(
        type,
        context,
        new ValuesFetcher<>(this, context.getClient(), secretsOf, conditionsOf),
        refresh);
  }

  /** Reads a resource's values for the poller, and says when to read them again. */
  static final class ValuesFetcher<P extends HasMetadata>
      implements PerResourcePollingEventSource.ResourceFetcher<SecretValues, P> {

    private final SecretSync sync;
    private final KubernetesClient client;
    private final Function<P, List<SecretEnv>> secretsOf;
    private final Function<P, List<Condition>> conditionsOf;

    ValuesFetcher(
        SecretSync sync,
        KubernetesClient client,
        Function<P, List<SecretEnv>> secretsOf,
        Function<P, List<Condition>> conditionsOf) {
      this.sync = sync;
      this.client = client;
      this.secretsOf = secretsOf;
      this.conditionsOf = conditionsOf;
    }

    /** The resource's spec.secrets, empty when it has none. */
    List<SecretEnv> secretsOf(P primary) {
      List<SecretEnv> secrets = secretsOf.apply(primary);
      return secrets == null ? List.of() : secrets;
    }

    List<Condition> conditionsOf(P primary) {
      return conditionsOf.apply(primary);
    }

    @Override
    public Set<SecretValues> fetchResources(P primary) {
      List<SecretEnv> secrets = secretsOf(primary);
      return secrets.isEmpty() ? Set.of() : Set.of(sync.readValues(primary, secrets, client));
    }

    /**
     * The refresh interval after a read, the growing retry delay after a failure. Before the
     * poller's first read (JOSDK asks when the resource first appears, while its reconcile reads on
     * its own), the stored status tells: values already synced wait for the next refresh, any other
     * resource is read again soon, so that a first read that failed is retried as a failure would
     * be.
     */
    @Override
    public Optional<Duration> fetchDelay(Set<SecretValues> last, P primary) {
      List<Condition> conditions = conditionsOf.apply(primary);
      boolean failed =
          last == null
              ? !Conditions.find(conditions, CONDITION)
                  .map(c -> "True".equals(c.getStatus()))
                  .orElse(false)
              : last.stream().anyMatch(v -> v.failure().isPresent());
      return Optional.of(
          failed ? retryDelay(conditions, sync.clock.instant(), sync.refresh) : sync.refresh);
    }
  }

  /**
   * Brings {@code <name>-secrets} up to date with the values read last ({@code values}), reading
   * them now if the list changed since. The resource's spec.secrets and stored conditions (for the
   * event on a change of SecretsReady) are read as {@code values} reads them.
   */
  public <P extends HasMetadata> SyncResult sync(
      P owner, KubernetesClient client, SecretValuesSource<P> values) {
    List<SecretEnv> secrets = values.secretsOf(owner);
    List<Condition> conditions = values.conditionsOf(owner);
    SyncResult result = syncOnce(owner, secrets, conditions, client, values);
    recordTransition(new EventRecorder(client), owner, conditions, result);
    return result;
  }

  /** An event when SecretsReady changes status or reason; "NoSecrets" is not worth one. */
  private static void recordTransition(
      EventRecorder events, HasMetadata owner, List<Condition> conditions, SyncResult result) {
    Optional<Condition> before = Conditions.find(conditions, CONDITION);
    boolean same =
        before
            .map(
                c ->
                    c.getStatus().equals(result.ready() ? "True" : "False")
                        && Objects.equals(c.getReason(), result.reason()))
            .orElse(result.reason().equals(NO_SECRETS));
    if (same) {
      return;
    }
    if (result.ready()) {
      events.normal(owner, result.reason(), result.message());
    } else {
      events.warning(owner, result.reason(), result.message());
    }
  }

  private <P extends HasMetadata> SyncResult syncOnce(
      P owner,
      List<SecretEnv> secrets,
      List<Condition> conditions,
      KubernetesClient client,
      SecretValuesSource<P> values) {
    String namespace = owner.getMetadata().getNamespace();
    String name = secretName(owner);
    if (secrets.isEmpty()) {
      // Only when the list just became empty: a resource without secrets costs no API call.
      boolean hadSecrets =
          Conditions.find(conditions, CONDITION)
              .map(c -> !NO_SECRETS.equals(c.getReason()))
              .orElse(false);
      Secret existing =
          hadSecrets ? client.secrets().inNamespace(namespace).withName(name).get() : null;
      if (existing != null && ownedBy(existing, owner)) {
        client.resource(existing).delete();
      }
      return SyncResult.NO_SECRETS;
    }

    Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
    if (existing != null && !ownedBy(existing, owner)) {
      return new SyncResult(
          false,
          Optional.empty(),
          "SecretConflict",
          "Secret "
              + name
              + " exists and is not "
              + "owned by this "
              + owner.getKind()
              + "; rename or delete it",
          Optional.of(refresh));
    }
    Map<String, String> annotations =
        existing == null || existing.getMetadata().getAnnotations() == null
            ? Map.of()
            : existing.getMetadata().getAnnotations();
    Optional<String> kept = Optional.ofNullable(annotations.get(HASH_ANNOTATION));
    SecretValues read = values.current(owner, specHash(secrets));
    if (read.failure().isPresent()) {
      return failed(read.failure().get(), existing, name, kept);
    }
    Map<String, String> data = read.data();
    String salt =
        Optional.ofNullable(annotations.get(SALT_ANNOTATION)).orElseGet(SecretSync::newSalt);
    String hash = hash(salt, data);
    if (existing == null
        || !hash.equals(annotations.get(HASH_ANNOTATION))
        || !data.equals(existing.getData())) {
      client.resource(secret(owner, data, salt, hash)).forceConflicts().serverSideApply();
      if (existing != null) {
        log.info(
            "{} {}/{}: secret values changed, Secret {} updated",
            owner.getKind(),
            namespace,
            owner.getMetadata().getName(),
            name);
      }
    }
    return new SyncResult(true, Optional.of(hash), SYNCED, synced(secrets, name), Optional.empty());
  }

  /** One read of every value of {@code secrets}; a failure is logged here, once per read. */
  SecretValues readValues(HasMetadata owner, List<SecretEnv> secrets, KubernetesClient client) {
    String namespace = owner.getMetadata().getNamespace();
    String spec = specHash(secrets);
    try {
      return SecretValues.read(spec, read(namespace, secrets, client));
    } catch (SecretsFailure failure) {
      log.warn(
          "{} {}/{}: {}: {}",
          owner.getKind(),
          namespace,
          owner.getMetadata().getName(),
          failure.reason(),
          failure.getMessage());
      return SecretValues.failed(spec, failure);
    }
  }

  private static SyncResult failed(
      SecretValues.Failure failure, Secret existing, String name, Optional<String> kept) {
    String message =
        failure.message()
            + (existing == null
                ? ""
                : "; Secret " + name + " keeps the values of the last successful read");
    // No reschedule: the poller tries again and wakes the resource when the outcome changes.
    return new SyncResult(false, kept, failure.reason(), message, Optional.empty());
  }

  /**
   * After a failure: 5 s, then as long as the failure has lasted (so the delay doubles), at most
   * the refresh interval and at most 5 minutes.
   */
  static Duration retryDelay(List<Condition> conditions, Instant now, Duration refresh) {
    Optional<Instant> failingSince =
        Conditions.find(conditions, CONDITION)
            .filter(c -> "False".equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(c -> Instant.parse(c.getLastTransitionTime()));
    Duration delay = failingSince.map(since -> Duration.between(since, now)).orElse(FIRST_RETRY);
    Duration max = refresh.compareTo(MAX_RETRY) < 0 ? refresh : MAX_RETRY;
    if (delay.compareTo(FIRST_RETRY) < 0) {
      delay = FIRST_RETRY;
    }
    return delay.compareTo(max) > 0 ? max : delay;
  }

  /** HMAC-SHA256 of the data (base64 values, sorted by key), keyed by the Secret's salt. */
  static String hash(String salt, Map<String, String> data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      new TreeMap<>(data)
          .forEach(
              (key, value) ->
                  mac.update((key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(mac.doFinal()).substring(0, 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }

  /** Of the references only, never of values: names the list the Secret was read for. */
  static String specHash(List<SecretEnv> secrets) {
    StringBuilder text = new StringBuilder();
    for (SecretEnv secret : secrets) {
      text.append(secret.getName()).append('=');
      if (secret.getVault() != null) {
        VaultSecretRef ref = secret.getVault();
        text.append("vault:")
            .append(mount(ref))
            .append('/')
            .append(ref.getPath())
            .append('#')
            .append(ref.getKey());
      } else if (secret.getSecretKeyRef() != null) {
        text.append("secret:")
            .append(secret.getSecretKeyRef().getName())
            .append('#')
            .append(secret.getSecretKeyRef().getKey());
      }
      text.append('\n');
    }
    return hash("spec", Map.of("list", text.toString()));
  }

  /**
   * The first Vault entry that {@code namespace} may not read, as a failure naming the path and the
   * rule; checked for the whole list before any Vault call.
   */
  static Optional<SecretsFailure> refusal(
      String namespace, List<SecretEnv> secrets, Optional<VaultPathTemplate> template) {
    for (SecretEnv secret : secrets) {
      VaultSecretRef ref = secret.getVault();
      if (ref == null) {
        continue;
      }
      String where =
          "secrets entry "
              + secret.getName()
              + " reads Vault secret "
              + mount(ref)
              + "/"
              + ref.getPath();
      if (!VaultPathTemplate.plain(VaultPathTemplate.segments(mount(ref)))
          || !VaultPathTemplate.plain(VaultPathTemplate.segments(ref.getPath()))) {
        return Optional.of(
            new VaultPathNotAllowed(
                where
                    + ": a '.' or '..' segment would make Vault read another"
                    + " path than the one named; refused"));
      }
      if (template.isPresent() && VaultPathTemplate.segments(mount(ref)).contains("data")) {
        // secret/data/llm/team-b as a mount would reach secret/data/llm/team-b/data/<path> in mount
        // secret.
        return Optional.of(
            new VaultPathNotAllowed(
                where
                    + ": with LLMFLEET_VAULT_PATH_TEMPLATE a mount must not"
                    + " have a segment 'data', which would let a path reach into another mount's data; refused"));
      }
      if (template.isPresent() && !template.get().allows(namespace, ref.getPath())) {
        return Optional.of(
            new VaultPathNotAllowed(
                where
                    + ", outside what namespace "
                    + namespace
                    + " may read:"
                    + " LLMFLEET_VAULT_PATH_TEMPLATE "
                    + template.get().template()
                    + " allows paths under "
                    + template.get().allowedPrefix(namespace)
                    + " only; refused before any Vault call"));
      }
    }
    return Optional.empty();
  }

  /** Base64 data for the Secret, one key per variable; each Vault path is read once. */
  private Map<String, String> read(
      String namespace, List<SecretEnv> secrets, KubernetesClient client) throws SecretsFailure {
    Optional<SecretsFailure> refused = refusal(namespace, secrets, pathTemplate);
    if (refused.isPresent()) {
      throw refused.get();
    }
    ServiceAccountTokens tokens = ServiceAccountTokens.of(client);
    Map<String, Map<String, String>> vaultSecrets = new HashMap<>();
    Map<String, Secret> kubernetesSecrets = new HashMap<>();
    Map<String, String> data = new TreeMap<>();
    for (SecretEnv secret : secrets) {
      if (secret.getVault() != null) {
        VaultSecretRef ref = secret.getVault();
        String mount = mount(ref);
        if (vault.isEmpty()) {
          throw new VaultNotConfigured(
              "secrets entry "
                  + secret.getName()
                  + " reads Vault secret "
                  + mount
                  + "/"
                  + ref.getPath()
                  + " but the operator has no LLMFLEET_VAULT_ADDR");
        }
        Map<String, String> values = vaultSecrets.get(mount + "/" + ref.getPath());
        if (values == null) {
          values = vault.get().read(namespace, tokens, mount, ref.getPath());
          vaultSecrets.put(mount + "/" + ref.getPath(), values);
        }
        String value = values.get(ref.getKey());
        if (value == null) {
          throw new VaultSecretNotFound(
              "Vault secret "
                  + mount
                  + "/"
                  + ref.getPath()
                  + " has no key "
                  + ref.getKey()
                  + " (secrets entry "
                  + secret.getName()
                  + ")");
        }
        data.put(
            secret.getName(),
            Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
      } else if (secret.getSecretKeyRef() != null) {
        SecretKeyRef ref = secret.getSecretKeyRef();
        Secret source =
            kubernetesSecrets.computeIfAbsent(
                ref.getName(), n -> client.secrets().inNamespace(namespace).withName(n).get());
        if (source == null) {
          throw new SecretNotFound(
              "Secret "
                  + ref.getName()
                  + " (secrets entry "
                  + secret.getName()
                  + ") does not exist in namespace "
                  + namespace);
        }
        String value = source.getData() == null ? null : source.getData().get(ref.getKey());
        if (value == null) {
          throw new SecretNotFound(
              "Secret "
                  + ref.getName()
                  + " has no key "
                  + ref.getKey()
                  + " (secrets entry "
                  + secret.getName()
                  + ")");
        }
        data.put(secret.getName(), value);
      }
    }
    return data;
  }

  private static Secret secret(
      HasMetadata owner, Map<String, String> data, String salt, String hash) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(secretName(owner))
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(Labels.of(owner, COMPONENT))
        .addToAnnotations(SALT_ANNOTATION, salt)
        .addToAnnotations(HASH_ANNOTATION, hash)
        .withOwnerReferences(OwnerReferences.controlledBy(owner))
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  private static boolean ownedBy(Secret secret, HasMetadata owner) {
    return secret.getMetadata().getOwnerReferences() != null
        && secret.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> Objects.equals(ref.getUid(), owner.getMetadata().getUid()));
  }

  private static String mount(VaultSecretRef ref) {
    return ref.getMount() == null || ref.getMount().isEmpty() ? "secret" : ref.getMount();
  }

  private static String synced(List<SecretEnv> secrets, String name) {
    return secrets.size()
        + (secrets.size() == 1 ? " value" : " values")
        + " synced into Secret "
        + name;
  }

  private static String newSalt() {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return HexFormat.of().formatHex(salt);
  }
}
