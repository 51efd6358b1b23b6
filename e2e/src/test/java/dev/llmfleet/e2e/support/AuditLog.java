package dev.llmfleet.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local API server's audit log (e2e/cluster/audit-policy.yaml: the requests of ServiceAccounts,
 * metadata only), read to compare what a ServiceAccount did with what its RBAC rules grant.
 */
public final class AuditLog {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditLog() {}

  /** One request: its verb as RBAC names it, what it addressed, and the API server's answer. */
  public record Request(
      String verb,
      String apiGroup,
      String resource,
      String subresource,
      String namespace,
      String name,
      int code) {

    /** "jobs", "downloads/status": the resource as an RBAC rule names it. */
    public String rbacResource() {
      return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }

    /**
     * Whether {@code rule}'s {@code verb} on {@code rbacResource} of {@code apiGroup} was exercised
     * by this request. A server-side apply that created the object (201) is a patch the API server
     * also authorized as create.
     */
    public boolean uses(String apiGroup, String rbacResource, String verb) {
      return this.apiGroup.equals(apiGroup)
          && rbacResource().equals(rbacResource)
          && (this.verb.equals(verb)
              || "create".equals(verb) && "patch".equals(this.verb) && code == 201);
    }

    @Override
    public String toString() {
      return verb
          + " "
          + (apiGroup.isEmpty() ? "" : apiGroup + "/")
          + rbacResource()
          + " "
          + namespace
          + "/"
          + name
          + " -> "
          + code;
    }
  }

  /**
   * The file, where the cluster has one (the local control plane; not a kubeconfig's cluster or
   * K3s).
   */
  public static Optional<Path> of(Cluster cluster) {
    return cluster.env("LLMFLEET_AUDIT_LOG").map(Path::of);
  }

  /**
   * Every audited request of {@code user}, such as {@code system:serviceaccount:ns:name}, that got
   * an answer (a watch may appear twice: once started, once complete).
   */
  public static List<Request> requestsOf(Path log, String user) {
    List<Request> requests = new ArrayList<>();
    // The API server rotates at --audit-log-maxsize into one backup: read that first.
    try (Stream<Path> files = Files.list(log.getParent())) {
      List<Path> all =
          files.filter(f -> f.getFileName().toString().startsWith(baseName(log))).sorted().toList();
      for (Path file : all) {
        try (Stream<String> lines = Files.lines(file)) {
          lines
              .map(AuditLog::parse)
              .filter(event -> user.equals(event.path("user").path("username").asText()))
              // A watch that is still open has only its ResponseStarted event.
              .filter(
                  event ->
                      List.of("ResponseStarted", "ResponseComplete")
                          .contains(event.path("stage").asText()))
              .filter(event -> event.has("objectRef"))
              .map(AuditLog::request)
              .forEach(requests::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return requests;
  }

  /**
   * Each verb on each resource that {@code rules} grant but none of {@code requests} used, as "verb
   * group/resource".
   */
  public static List<String> unused(Collection<PolicyRule> rules, List<Request> requests) {
    List<String> unused = new ArrayList<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            if (requests.stream().noneMatch(r -> r.uses(group, resource, verb))) {
              unused.add(verb + " " + (group.isEmpty() ? "" : group + "/") + resource);
            }
          }
        }
      }
    }
    return unused;
  }

  private static String baseName(Path log) {
    String name = log.getFileName().toString();
    return name.endsWith(".log") ? name.substring(0, name.length() - ".log".length()) : name;
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException("not an audit event: " + line, e);
    }
  }

  private static Request request(JsonNode event) {
    JsonNode ref = event.path("objectRef");
    return new Request(
        event.path("verb").asText(),
        ref.path("apiGroup").asText(""),
        ref.path("resource").asText(),
        ref.path("subresource").asText(""),
        ref.path("namespace").asText(""),
        ref.path("name").asText(""),
        event.path("responseStatus").path("code").asInt());
  }
}
