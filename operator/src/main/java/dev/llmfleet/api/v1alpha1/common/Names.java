package dev.llmfleet.api.v1alpha1.common;

/** Name patterns Kubernetes itself enforces, so bad references are rejected at apply time. */
public final class Names {

  /** RFC 1123 subdomain: names of claims, Secrets, custom resources. */
  public static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** RFC 1123 label: names that become parts of other names or Service ports. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** An environment variable name. */
  public static final String ENV_VAR = "^[A-Za-z_][A-Za-z0-9_]*$";

  private Names() {
  }
}
