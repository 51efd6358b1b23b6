package dev.llmfleet.secrets;

/**
 * Why the values of a resource's {@code spec.secrets} could not be read. The message says what
 * failed and where (Vault address, mount, path, key, Secret name) and never holds a value; it goes
 * into the SecretsReady condition. The reason is the condition's reason.
 */
public class SecretsFailure extends Exception {

  private final String reason;

  SecretsFailure(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }

  /** Vault did not answer, answered with a server error, or is sealed: worth retrying. */
  public static final class VaultUnavailable extends SecretsFailure {
    VaultUnavailable(String message) {
      super("VaultUnavailable", message);
    }
  }

  /** Vault refused the login or the read: a policy or role needs changing. */
  public static final class VaultPermissionDenied extends SecretsFailure {
    VaultPermissionDenied(String message) {
      super("VaultPermissionDenied", message);
    }
  }

  /**
   * A Vault path outside what the resource's namespace may read (LLMFLEET_VAULT_PATH_TEMPLATE), or
   * one that Vault would resolve elsewhere ('.' or '..' segments): refused before any Vault call.
   */
  public static final class VaultPathNotAllowed extends SecretsFailure {
    VaultPathNotAllowed(String message) {
      super("VaultPathNotAllowed", message);
    }
  }

  /** No secret at the path, or no such key in it. */
  public static final class VaultSecretNotFound extends SecretsFailure {
    VaultSecretNotFound(String message) {
      super("VaultSecretNotFound", message);
    }
  }

  /** A {@code secretKeyRef} names a Secret or key that does not exist. */
  public static final class SecretNotFound extends SecretsFailure {
    SecretNotFound(String message) {
      super("SecretNotFound", message);
    }
  }

  /** A {@code vault} entry while the operator has no LLMFLEET_VAULT_ADDR. */
  public static final class VaultNotConfigured extends SecretsFailure {
    VaultNotConfigured(String message) {
      super("VaultNotConfigured", message);
    }
  }
}
