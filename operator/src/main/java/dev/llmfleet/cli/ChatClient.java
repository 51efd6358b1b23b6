package dev.llmfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * POST /v1/chat/completions of an OpenAI-compatible server (every runtime the operator runs is
 * one). Streams the answer (server-sent events) when asked to and the server does; reads one JSON
 * answer otherwise.
 */
final class ChatClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  record Message(String role, String content) {}

  private final URI base;
  private final String model;
  private final int maxTokens;
  private final boolean stream;
  private final Duration timeout;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

  ChatClient(URI base, String model, int maxTokens, boolean stream, Duration timeout) {
    this.base = base;
    this.model = model;
    this.maxTokens = maxTokens;
    this.stream = stream;
    this.timeout = timeout;
  }

  /** The answer to {@code messages}, handed to {@code text} piece by piece as it arrives. */
  String complete(List<Message> messages, Consumer<String> text)
      throws IOException, InterruptedException {
    byte[] body =
        JSON.writeValueAsBytes(
            Map.of(
                "model", model, "messages", messages, "max_tokens", maxTokens, "stream", stream));
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", stream ? "text/event-stream" : "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<java.io.InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      if (response.statusCode() / 100 != 2) {
        String error = String.join(" ", reader.lines().limit(5).toList());
        throw new CliException(
            ExitCodes.FAILED, "the server answered HTTP " + response.statusCode() + ": " + error);
      }
      boolean events =
          response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
      StringBuilder answer = new StringBuilder();
      if (events) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (line.equals("data: [DONE]")) {
            break;
          }
          delta(line)
              .ifPresent(
                  piece -> {
                    answer.append(piece);
                    text.accept(piece);
                  });
        }
      } else {
        String whole = message(JSON.readTree(reader));
        answer.append(whole);
        text.accept(whole);
      }
      return answer.toString();
    }
  }

  /**
   * The text in one server-sent event line ("data: {...choices[0].delta.content...}"), if it holds
   * any.
   */
  static Optional<String> delta(String line) throws IOException {
    if (!line.startsWith("data:")) {
      return Optional.empty();
    }
    JsonNode content =
        JSON.readTree(line.substring("data:".length()).strip())
            .path("choices")
            .path(0)
            .path("delta")
            .path("content");
    return content.isTextual() ? Optional.of(content.asText()) : Optional.empty();
  }

  /** choices[0].message.content of a whole answer. */
  static String message(JsonNode answer) {
    return answer.path("choices").path(0).path("message").path("content").asText("");
  }
}
