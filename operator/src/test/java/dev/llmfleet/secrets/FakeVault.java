package dev.llmfleet.secrets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The few Vault endpoints VaultClient calls, with answers set per path; records each request. */
final class FakeVault implements AutoCloseable {

  record Answer(int status, String body) {}

  record Request(String method, String path, String token, String body) {}

  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  FakeVault() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** {@code path} without the /v1 prefix, e.g. secret/data/llm/hf. */
  FakeVault answer(String path, int status, String body) {
    answers.put("/v1/" + path, new Answer(status, body));
    return this;
  }

  FakeVault kv(String mountAndPath, String json) {
    int slash = mountAndPath.indexOf('/');
    return answer(
        mountAndPath.substring(0, slash) + "/data" + mountAndPath.substring(slash),
        200,
        "{\"data\":{\"data\":" + json + ",\"metadata\":{\"version\":1}}}");
  }

  List<Request> requestsTo(String path) {
    return requests.stream().filter(r -> r.path().equals("/v1/" + path)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = exchange.getRequestURI().getPath();
    requests.add(
        new Request(
            exchange.getRequestMethod(),
            path,
            exchange.getRequestHeaders().getFirst("X-Vault-Token"),
            body));
    Answer answer = answers.getOrDefault(path, new Answer(404, "{\"errors\":[]}"));
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
