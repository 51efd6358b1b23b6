package dev.llmfleet.inpod.downloader;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small HTTP server for the downloader's unit tests: files with Range support and faults. */
final class RangeServer implements AutoCloseable {

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

  private final HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, String> redirects = new ConcurrentHashMap<>();
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final AtomicLong bodyBytes = new AtomicLong();
  final AtomicInteger failNext = new AtomicInteger();
  final AtomicInteger cutNext = new AtomicInteger();
  final AtomicInteger stallNext = new AtomicInteger();
  volatile long cutAfter;
  volatile long stallMillis;
  volatile boolean ignoreRange;

  /**
   * Sent as ETag when set; a Range request whose If-Range differs then gets the whole file (200).
   */
  volatile String etag;

  RangeServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  RangeServer serve(String path, byte[] content) {
    files.put(path, content);
    return this;
  }

  /** What a path answers instead of a file: headers and a status as a test needs them. */
  interface Answer {
    void send(HttpExchange exchange) throws IOException;
  }

  RangeServer answer(String path, Answer answer) {
    answers.put(path, answer);
    return this;
  }

  RangeServer redirect(String path, URI to) {
    redirects.put(path, to.toString());
    return this;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String range = exchange.getRequestHeaders().getFirst("Range");
      String ifRange = exchange.getRequestHeaders().getFirst("If-Range");
      requests.add(
          exchange.getRequestMethod()
              + " "
              + path
              + (range == null ? "" : " " + range)
              + (ifRange == null ? "" : " If-Range " + ifRange));
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      authorizations.add(path + " " + authorization);
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      if (answers.containsKey(path)) {
        answers.get(path).send(exchange);
        return;
      }
      if (redirects.containsKey(path)) {
        exchange.getResponseHeaders().set("Location", redirects.get(path));
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      byte[] content = files.get(path);
      if (content == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (etag != null) {
        exchange.getResponseHeaders().set("ETag", etag);
      }
      boolean otherVersion = ifRange != null && !ifRange.equals(etag);
      Matcher matcher = RANGE.matcher(range == null || ignoreRange || otherVersion ? "" : range);
      int from = matcher.matches() ? Integer.parseInt(matcher.group(1)) : 0;
      if (from >= content.length && from > 0) {
        exchange.sendResponseHeaders(416, -1);
        return;
      }
      exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
      if (matcher.matches()) {
        exchange
            .getResponseHeaders()
            .set(
                "Content-Range",
                "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
      }
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      if (head) {
        exchange.getResponseHeaders().set("Content-Length", String.valueOf(content.length));
      }
      exchange.sendResponseHeaders(
          matcher.matches() ? 206 : 200, head ? -1 : content.length - from);
      if (!head) {
        send(exchange.getResponseBody(), content, from);
      }
    }
  }

  private void send(OutputStream out, byte[] content, int from) throws IOException {
    boolean cut = cutNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    boolean stall = stallNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    int end = cut ? (int) Math.min(content.length, from + cutAfter) : content.length;
    for (int at = from; at < end; at += 64 * 1024) {
      int n = Math.min(64 * 1024, end - at);
      out.write(content, at, n);
      out.flush();
      bodyBytes.addAndGet(n);
      if (stall && at == from) {
        sleep(stallMillis);
      }
    }
    if (cut) {
      // Closing the exchange before the announced length makes the server drop the connection.
      throw new IOException("cut on purpose");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
