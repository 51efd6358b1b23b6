package dev.llmfleet.api.v1alpha1.common;

/** Name patterns Kubernetes itself enforces, so bad references are rejected at apply time. */
public final class Names {

  /** RFC 1123 subdomain: names of claims, Secrets, custom resources. */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** RFC 1123 label: names that become parts of other names or Service ports. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** An environment variable name. */
  public static final String ENV_VAR = "^[A-Za-z_][A-Za-z0-9_]*$";

  /**
   * CEL: every key of the map {@code self} is a label key (an optional DNS subdomain prefix and a
   * slash, then a name of at most 63 letters, digits, '-', '_' and '.', starting and ending with a
   * letter or digit). Written with [.] rather than an escaped dot: a backslash before the dot would
   * be a CEL string escape, and an invalid one.
   */
  public static final String LABEL_KEYS =
      "self.all(k, k.matches('^(([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]"
          + "([-a-z0-9]*[a-z0-9])?)*)/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$') && size(k) <= 317)";

  /**
   * CEL: every value of the map {@code self} is a label value: empty, or at most 63 such
   * characters.
   */
  public static final String LABEL_VALUES =
      "self.all(k, self[k].matches('^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?" + "[A-Za-z0-9])?$'))";

  /**
   * CEL: an image reference has no whitespace (it would pass to the container runtime as is, and
   * fail there).
   */
  public static final String NO_WHITESPACE = "!self.matches('[[:space:]]')";

  private Names() {}
}
