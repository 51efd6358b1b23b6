package dev.llmfleet.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * LLMFLEET_VAULT_PATH_TEMPLATE: the Vault paths (inside any KV mount) that resources of one
 * namespace may read, for example {@code llm/{namespace}/}. A path is allowed when its first
 * segments equal the template's segments with {@code {namespace}} replaced; segments are compared
 * whole, so namespace {@code team} never reaches {@code llm/team-b/}. The operator's own Vault
 * policy bounds what it can read at all; the template splits that among namespaces.
 */
public record VaultPathTemplate(String template) {

  public static final String NAMESPACE = "{namespace}";

  /** Why {@code template} cannot be used, or empty when it can. */
  public static Optional<String> problem(String template) {
    if (!template.contains(NAMESPACE)) {
      return Optional.of(
          "must contain "
              + NAMESPACE
              + ", so that each namespace reads only its own paths, for "
              + "example llm/"
              + NAMESPACE
              + "/");
    }
    if (!plain(segments(withoutTrailingSlash(template)))) {
      return Optional.of(
          "must be segments separated by single '/', without '.' or '..', for example llm/"
              + NAMESPACE
              + "/");
    }
    return Optional.empty();
  }

  public VaultPathTemplate {
    Optional<String> problem = problem(template);
    if (problem.isPresent()) {
      throw new IllegalArgumentException("Vault path template " + template + " " + problem.get());
    }
  }

  /** What {@code namespace} may read, as a path prefix ending in '/'. */
  public String allowedPrefix(String namespace) {
    return String.join("/", expanded(namespace)) + "/";
  }

  /** {@code path} (inside a mount) lies under this template for {@code namespace}. */
  public boolean allows(String namespace, String path) {
    List<String> pathSegments = segments(path);
    if (!plain(pathSegments)) {
      return false;
    }
    List<String> allowed = expanded(namespace);
    return pathSegments.size() > allowed.size()
        && pathSegments.subList(0, allowed.size()).equals(allowed);
  }

  /**
   * No empty, '.' or '..' segment: Vault would resolve those to another path than the one checked.
   */
  public static boolean plain(List<String> segments) {
    return segments.stream().noneMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."));
  }

  public static List<String> segments(String path) {
    return Arrays.asList(path.split("/", -1));
  }

  private List<String> expanded(String namespace) {
    return segments(withoutTrailingSlash(template).replace(NAMESPACE, namespace));
  }

  private static String withoutTrailingSlash(String template) {
    return template.endsWith("/") ? template.substring(0, template.length() - 1) : template;
  }
}
