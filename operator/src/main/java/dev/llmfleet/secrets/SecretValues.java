package dev.llmfleet.secrets;

import java.util.Map;
import java.util.Optional;

/**
 * One read of a resource's spec.secrets, as the polling source caches it: the values (base64, one
 * key per variable) or why they could not be read. Equal reads are one cache entry, so a poll that
 * finds nothing new wakes no reconcile. {@link #toString} names the variables, never a value: JOSDK
 * may log cached resources.
 *
 * @param spec {@link SecretSync#specHash} of the list this read was for
 * @param data the values; empty after a failure
 * @param failure the reason and message of SecretsReady after a failed read
 */
public record SecretValues(String spec, Map<String, String> data, Optional<Failure> failure) {

  /** Why a read failed, as condition SecretsReady says it. */
  public record Failure(String reason, String message) {}

  static SecretValues read(String spec, Map<String, String> data) {
    return new SecretValues(spec, Map.copyOf(data), Optional.empty());
  }

  static SecretValues failed(String spec, SecretsFailure failure) {
    return new SecretValues(
        spec, Map.of(), Optional.of(new Failure(failure.reason(), failure.getMessage())));
  }

  @Override
  public String toString() {
    return "SecretValues[spec="
        + spec
        + ", variables="
        + data.keySet()
        + ", failure="
        + failure.map(Failure::reason).orElse("none")
        + "]";
  }
}
