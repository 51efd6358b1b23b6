package dev.llmfleet.common.names;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names of owned objects, derived from a resource's name so that every name the API accepts (a DNS
 * subdomain of up to 253 characters, dots included) gives valid objects. A name that already fits
 * is used unchanged, so the objects of existing resources keep their names; one that does not is
 * cut short and marked with a hash of the whole resource name, which keeps it stable and unique.
 * The suffix always stays whole: it says what the object is, and it keeps the objects of different
 * kinds apart (see the per-kind helpers).
 */
public final class ObjectNames {

  /** DNS labels (Job and Deployment names, through their pods' labels) and label values. */
  public static final int LABEL_MAX = 63;

  /** DNS subdomains: Secrets, ConfigMaps, claims, ServiceAccounts, Roles. */
  public static final int SUBDOMAIN_MAX = 253;

  static final int HASH_LENGTH = 8;

  private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  private ObjectNames() {}

  /** {@code base + suffix}, at most {@value #LABEL_MAX} characters. */
  public static String label(String base, String suffix) {
    return fit(base, suffix, LABEL_MAX);
  }

  /** {@code base + suffix}, at most {@value #SUBDOMAIN_MAX} characters. */
  public static String subdomain(String base, String suffix) {
    return fit(base, suffix, SUBDOMAIN_MAX);
  }

  /**
   * A resource name as a label value (app.kubernetes.io/instance): at most {@value #LABEL_MAX}
   * characters.
   */
  public static String labelValue(String name) {
    return fit(name, "", LABEL_MAX);
  }

  /**
   * A DNS-1035 label (what a Service name must be): a name that is one is used as is; otherwise
   * dots become dashes, a leading digit gets a letter before it, and a hash of the original name
   * keeps two names apart that differ only there ({@code llama3.1-8b} and {@code llama3-1-8b}).
   */
  public static String dns1035(String name) {
    if (name.length() <= LABEL_MAX && DNS_1035.matcher(name).matches()) {
      return name;
    }
    String cleaned = (Character.isLetter(name.charAt(0)) ? "" : "x") + name.replace('.', '-');
    return trimEnd(cleaned.substring(0, Math.min(cleaned.length(), LABEL_MAX - HASH_LENGTH - 1)))
        + "-"
        + hash(name);
  }

  static String fit(String base, String suffix, int max) {
    if (base.length() + suffix.length() <= max) {
      return base + suffix;
    }
    String kept = base.substring(0, max - suffix.length() - HASH_LENGTH - 1);
    return trimEnd(kept) + "-" + hash(base) + suffix;
  }

  /** A cut may end in a dash or a dot, which a name must not end in before the hash's dash. */
  private static String trimEnd(String name) {
    int end = name.length();
    while (end > 0 && (name.charAt(end - 1) == '-' || name.charAt(end - 1) == '.')) {
      end--;
    }
    return name.substring(0, end);
  }

  static String hash(String name) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
