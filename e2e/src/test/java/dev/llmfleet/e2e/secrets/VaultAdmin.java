package dev.llmfleet.e2e.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** What the test does to the cluster's Vault with its root token: policies, roles, KV v2 writes. */
final class VaultAdmin {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String address;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  VaultAdmin(String address, String token) {
    this.address = address;
    this.token = token;
  }

  void policy(String name, String hcl) {
    call("PUT", "sys/policies/acl/" + name, Map.of("policy", hcl));
  }

  /**
   * A role for {@code serviceAccount} of {@code namespace}, whose tokens the operator requests with
   * audience vault.
   */
  void kubernetesRole(String role, String serviceAccount, String namespace, String policy) {
    call(
        "POST",
        "auth/kubernetes/role/" + role,
        Map.of(
            "bound_service_account_names", new String[] {serviceAccount},
            "bound_service_account_namespaces", new String[] {namespace},
            "audience", "vault",
            "token_policies", new String[] {policy},
            "token_ttl", "1h"));
  }

  void put(String mountAndPath, Map<String, String> data) {
    int slash = mountAndPath.indexOf('/');
    call(
        "POST",
        mountAndPath.substring(0, slash) + "/data" + mountAndPath.substring(slash),
        Map.of("data", data));
  }

  JsonNode call(String method, String path, Object body) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(address + "/v1/" + path))
              .timeout(Duration.ofSeconds(10))
              .header("X-Vault-Token", token)
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode());
      }
      return response.body().isEmpty() ? null : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
