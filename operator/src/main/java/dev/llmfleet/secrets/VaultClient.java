package dev.llmfleet.secrets;

import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.config.OperatorConfig.VaultAuth;
import dev.llmfleet.config.OperatorConfig.VaultIdentity;
import dev.llmfleet.secrets.SecretsFailure.VaultPermissionDenied;
import dev.llmfleet.secrets.SecretsFailure.VaultSecretNotFound;
import dev.llmfleet.secrets.SecretsFailure.VaultUnavailable;
import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Auth;
import io.github.jopenlibs.vault.api.Logical;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads KV version 2 secrets from Vault (or OpenBao) with vault-java-driver, as the identity a
 * resource's namespace has in Vault. With the {@code namespace} identity each namespace logs in as
 * its own ServiceAccount (a token from the TokenRequest API) with its own Kubernetes-auth role, so
 * that Vault's policies decide what it reads; with the {@code operator} identity all namespaces
 * share the operator's login ({@code kubernetes} auth with its own service-account token) or the
 * configured token ({@code token} auth). Each identity keeps its Vault token and lease: renewed
 * when two thirds of the lease are gone, replaced by a new login when renewal is refused or the
 * lease is nearly over. Every call has a connect and a read timeout, and no driver retries: the
 * reconcilers reschedule with backoff. Failures are classified into {@link SecretsFailure}s whose
 * messages never contain a token or a value.
 */
public final class VaultClient {

  static final int OPEN_TIMEOUT_SECONDS = 5;
  static final int READ_TIMEOUT_SECONDS = 10;

  private static final Logger log = LoggerFactory.getLogger(VaultClient.class);

  /**
   * The driver would otherwise fill unset settings from VAULT_ADDR / VAULT_TOKEN of the operator's
   * process.
   */
  private static final EnvironmentLoader NO_ENVIRONMENT =
      new EnvironmentLoader() {
        @Override
        public String loadVariable(String name) {
          return null;
        }
      };

  private final OperatorConfig.Vault settings;
  private final Clock clock;
  private final SslConfig ssl;

  /** By namespace with the namespace identity; one entry, under "", with the operator identity. */
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  VaultClient(OperatorConfig.Vault settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    try {
      SslConfig config = new SslConfig().verify(true);
      if (settings.caCert().isPresent()) {
        config = config.pemFile(settings.caCert().get().toFile());
      }
      this.ssl = config.build();
    } catch (VaultException e) {
      throw new IllegalArgumentException(
          "cannot use the CA bundle "
              + settings.caCert().orElse(null)
              + " for Vault: "
              + e.getMessage(),
          e);
    }
  }

  public static VaultClient create(OperatorConfig.Vault settings) {
    return new VaultClient(settings, Clock.systemUTC());
  }

  /**
   * The key/value pairs of the latest version of the KV v2 secret {@code path} in {@code mount},
   * read as the Vault identity of {@code namespace}. Non-string values come as their JSON text.
   *
   * @param tokens where the namespace identity gets its ServiceAccount tokens
   */
  public Map<String, String> read(
      String namespace, ServiceAccountTokens tokens, String mount, String path)
      throws SecretsFailure {
    boolean perNamespace = settings.identity() == VaultIdentity.NAMESPACE;
    String where =
        "Vault secret "
            + mount
            + "/"
            + path
            + " at "
            + settings.address()
            + (perNamespace
                ? " as ServiceAccount " + namespace + "/" + settings.serviceAccount()
                : "");
    Session session =
        sessions.computeIfAbsent(
            perNamespace ? namespace : "",
            key -> new Session(perNamespace ? Optional.of(namespace) : Optional.empty()));
    String current = session.token(tokens);
    try {
      return read(current, mount, path, where);
    } catch (VaultPermissionDenied denied) {
      if (settings.auth() != VaultAuth.KUBERNETES) {
        throw denied;
      }
      // The token may have been revoked before its lease ended: one fresh login, then the answer
      // stands.
      session.forget(current);
      return read(session.token(tokens), mount, path, where);
    }
  }

  private Map<String, String> read(String withToken, String mount, String path, String where)
      throws SecretsFailure {
    LogicalResponse response;
    try {
      response = new Logical(config(withToken)).read(mount + "/data/" + path);
    } catch (VaultException e) {
      throw classify(e, "reading " + where);
    }
    int status = response.getRestResponse().getStatus();
    if (status != 200) {
      throw classify(status, "reading " + where);
    }
    JsonValue data = response.getDataObject() == null ? null : response.getDataObject().get("data");
    if (data == null || !data.isObject()) {
      // KV v2 answers 200 with "data": null for a deleted or destroyed latest version.
      throw new VaultSecretNotFound(where + " has no current version (deleted or destroyed)");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (JsonObject.Member member : data.asObject()) {
      JsonValue value = member.getValue();
      values.put(member.getName(), value.isString() ? value.asString() : value.toString());
    }
    return values;
  }

  /** One Vault identity's token and lease. */
  private final class Session {

    /** The namespace whose ServiceAccount logs in; empty for the operator identity. */
    private final Optional<String> namespace;

    // Guarded by this.
    private String token;
    private Instant renewAt;
    private Instant expiresAt;
    private boolean renewable;

    Session(Optional<String> namespace) {
      this.namespace = namespace;
    }

    synchronized void forget(String stale) {
      if (stale.equals(token)) {
        token = null;
      }
    }

    synchronized String token(ServiceAccountTokens tokens) throws SecretsFailure {
      Instant now = clock.instant();
      if (token != null && (renewAt == null || now.isBefore(renewAt))) {
        return token;
      }
      if (token != null && renewable && expiresAt != null && now.isBefore(expiresAt)) {
        try {
          lease(new Auth(config(token)).renewSelf(), now);
          return token;
        } catch (VaultException e) {
          log.warn(
              "Vault at {}: token renewal{} refused (HTTP {}), logging in again",
              settings.address(),
              namespace.map(ns -> " for namespace " + ns).orElse(""),
              e.getHttpStatusCode());
        }
      }
      if (settings.auth() == VaultAuth.TOKEN) {
        token = settings.token().orElseThrow().value();
        try {
          LookupResponse self = new Auth(config(token)).lookupSelf();
          lease(self.getTTL(), self.isRenewable(), now);
        } catch (VaultException e) {
          token = null;
          throw classify(e, "looking up the configured token at " + settings.address());
        }
        return token;
      }
      String role = namespace.map(settings::roleFor).orElse(settings.role());
      String as =
          namespace
              .map(ns -> " as ServiceAccount " + ns + "/" + settings.serviceAccount())
              .orElse("");
      String where =
          "login at "
              + settings.address()
              + "/v1/auth/"
              + settings.authMount()
              + "/login with role "
              + role
              + as;
      String jwt =
          namespace.isPresent()
              ? tokens.request(namespace.get(), settings.serviceAccount(), settings.audience())
              : operatorJwt(where);
      try {
        AuthResponse login =
            new Auth(config(null)).loginByKubernetes(role, jwt, "auth/" + settings.authMount());
        token = login.getAuthClientToken();
        lease(login, now);
        log.info(
            "Vault at {}: logged in with role {}{} through auth/{}",
            settings.address(),
            role,
            as,
            settings.authMount());
        return token;
      } catch (VaultException e) {
        throw classify(e, where);
      }
    }

    private void lease(AuthResponse auth, Instant now) {
      if (auth.getAuthClientToken() != null) {
        token = auth.getAuthClientToken();
      }
      lease(auth.getAuthLeaseDuration(), auth.isAuthRenewable(), now);
    }

    /** A lease of 0 seconds never ends (a root token). */
    private void lease(long seconds, boolean canRenew, Instant now) {
      renewable = canRenew;
      if (seconds <= 0) {
        renewAt = null;
        expiresAt = null;
        return;
      }
      renewAt = now.plus(Duration.ofSeconds(seconds * 2 / 3));
      // Close to the end a renewal is not worth it: log in again instead.
      expiresAt = now.plus(Duration.ofSeconds(seconds - Math.min(seconds / 10, 30)));
    }
  }

  private String operatorJwt(String where) throws SecretsFailure {
    try {
      return Files.readString(settings.jwtFile()).trim();
    } catch (IOException e) {
      throw new VaultPermissionDenied(
          where + ": cannot read the service-account token " + settings.jwtFile());
    }
  }

  private VaultConfig config(String withToken) throws SecretsFailure {
    try {
      return new VaultConfig()
          .environmentLoader(NO_ENVIRONMENT)
          .address(settings.address())
          .token(withToken)
          .engineVersion(
              1) // paths are built here as <mount>/data/<path>: mounts may have several segments
          .openTimeout(OPEN_TIMEOUT_SECONDS)
          .readTimeout(READ_TIMEOUT_SECONDS)
          .sslConfig(ssl)
          .build();
    } catch (VaultException e) {
      throw new VaultUnavailable(
          "bad Vault settings for " + settings.address() + ": " + e.getMessage());
    }
  }

  private static SecretsFailure classify(VaultException e, String what) {
    return classify(e.getHttpStatusCode(), what);
  }

  /** The driver's messages may quote Vault's answer; only the HTTP status is kept. */
  static SecretsFailure classify(int status, String what) {
    if (status == 0) {
      return new VaultUnavailable(
          what + " failed: Vault did not answer (connection refused, timeout or TLS error)");
    }
    if (status == 401 || status == 403) {
      return new VaultPermissionDenied(
          what + " was refused: permission denied (HTTP " + status + ")");
    }
    if (what.startsWith("login") && status >= 400 && status < 500) {
      // 400: unknown role or a token the role does not accept; 404: no auth method at that mount.
      return new VaultPermissionDenied(
          what
              + " was refused (HTTP "
              + status
              + ": unknown role, token not accepted"
              + " or no such auth mount)");
    }
    if (status == 404) {
      return new VaultSecretNotFound(what + ": not found (HTTP 404)");
    }
    if (status == 503) {
      return new VaultUnavailable(what + " failed: Vault is sealed or in standby (HTTP 503)");
    }
    return new VaultUnavailable(what + " failed: HTTP " + status);
  }
}
