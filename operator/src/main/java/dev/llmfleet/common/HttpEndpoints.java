package dev.llmfleet.common;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Probes and metrics on one port: {@code /healthz} (the process answers), {@code /readyz} (the
 * operator's caches are synced) and {@code /metrics} (Prometheus text format).
 */
public final class HttpEndpoints implements AutoCloseable {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String PLAIN_TEXT = "text/plain; charset=utf-8";

  /** Why the operator is not ready yet, or empty when it is. */
  @FunctionalInterface
  public interface Readiness {
    Optional<String> notReadyReason();
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Readiness readiness;
  private final PrometheusMeterRegistry registry;
  private final Runnable beforeScrape;

  private HttpEndpoints(
      HttpServer server,
      ExecutorService executor,
      Readiness readiness,
      PrometheusMeterRegistry registry,
      Runnable beforeScrape) {
    this.server = server;
    this.executor = executor;
    this.readiness = readiness;
    this.registry = registry;
    this.beforeScrape = beforeScrape;
  }

  /**
   * Starts serving on {@code port} (0 picks a free one) on all interfaces.
   *
   * @param beforeScrape brings gauges computed at scrape time up to date, before each /metrics
   */
  public static HttpEndpoints start(
      int port, Readiness readiness, PrometheusMeterRegistry registry, Runnable beforeScrape)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    // Two threads so that a slow scrape never delays a liveness probe; daemon so that they never
    // keep the JVM alive on their own.
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "http-endpoints");
              thread.setDaemon(true);
              return thread;
            });
    var endpoints = new HttpEndpoints(server, executor, readiness, registry, beforeScrape);
    server.createContext("/", endpoints::handle);
    server.setExecutor(executor);
    server.start();
    return endpoints;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        respond(exchange, 405, PLAIN_TEXT, "method not allowed\n");
        return;
      }
      // One context with exact paths: HttpServer contexts match by prefix ("/healthzzz").
      switch (exchange.getRequestURI().getPath()) {
        case "/healthz" -> respond(exchange, 200, PLAIN_TEXT, "ok\n");
        case "/readyz" -> {
          Optional<String> reason = readiness.notReadyReason();
          if (reason.isPresent()) {
            respond(exchange, 503, PLAIN_TEXT, "not ready: " + reason.get() + "\n");
          } else {
            respond(exchange, 200, PLAIN_TEXT, "ok\n");
          }
        }
        case "/metrics" -> {
          beforeScrape.run();
          respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape(PROMETHEUS_TEXT));
        }
        default -> respond(exchange, 404, PLAIN_TEXT, "not found\n");
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
