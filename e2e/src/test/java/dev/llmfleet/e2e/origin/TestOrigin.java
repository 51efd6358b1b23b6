package dev.llmfleet.e2e.origin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the internet in tests: the Hugging Face Hub and a plain web server, on loopback.
 *
 * <ul>
 *   <li>Files are {@link GeneratedContent}: deterministic bytes made on the fly, any size.</li>
 *   <li>Plain files at {@code /files/<name>}; Hub repositories with the Hub's listing at
 *       {@code /api/models/<org>/<name>/revision/<rev>} and files at
 *       {@code /<org>/<name>/resolve/<rev>/<path>}. Small files are answered there; LFS files
 *       redirect (302) to a second server on another port, the "CDN", a different origin that must
 *       never see the token. A gated repository answers 401 without the right bearer token.</li>
 *   <li>GET with {@code Range: bytes=N-} or {@code bytes=N-M} (206 + Content-Range), HEAD.</li>
 *   <li>Knobs: a rate limit per response, the next N requests answered 503, the next N file
 *       responses cut after K body bytes (the connection is dropped halfway).</li>
 *   <li>Counters: body bytes sent per file, requests seen, Authorization headers seen by the CDN.</li>
 * </ul>
 */
public final class TestOrigin implements AutoCloseable {

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
  private static final Pattern LISTING = Pattern.compile("/api/models/([^/]+/[^/]+)/revision/([^/]+)");
  private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
  private static final int SLICE = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer hub;
  private final HttpServer cdn;
  private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "test-origin");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, GeneratedContent> files = new ConcurrentHashMap<>();
  private final Map<String, Repo> repos = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> bytesSent = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> cdnAuthorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger cutNext = new AtomicInteger();
  private volatile long cutAfterBytes;
  private volatile long bytesPerSecond;

  /** A Hub repository: its files in listing order, which of them are LFS, its commit and token. */
  private record Repo(String commit, Optional<String> token, Map<String, Boolean> lfsByPath) {}

  private TestOrigin() throws IOException {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    hub = HttpServer.create(loopback, 64);
    cdn = HttpServer.create(loopback, 64);
    hub.createContext("/", exchange -> handle(exchange, false));
    cdn.createContext("/", exchange -> handle(exchange, true));
    hub.setExecutor(handlers);
    cdn.setExecutor(handlers);
    hub.start();
    cdn.start();
  }

  public static TestOrigin start() {
    try {
      return new TestOrigin();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the test origin", e);
    }
  }

  /** Base URL, also the Hub endpoint: {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + hub.getAddress().getPort();
  }

  /** A plain file at {@code /files/<name>}; returns its URL. Counted as {@code name}. */
  public String addFile(String name, long size) {
    files.put(name, new GeneratedContent(name.hashCode(), size));
    return url() + "/files/" + name;
  }

  /**
   * A Hub repository {@code org/name} at revision main. Files whose size is at least
   * {@code lfsFrom} bytes are LFS files (listed with lfs.sha256, served through the CDN); the
   * others are listed with their blobId. Each file is counted as {@code org/name/path}.
   *
   * @param token the bearer token a gated repository requires, or empty for a public one
   */
  public void addRepo(String repo, Optional<String> token, long lfsFrom, Map<String, Long> sizes) {
    Map<String, Boolean> lfs = new LinkedHashMap<>();
    sizes.forEach((path, size) -> {
      files.put(repo + "/" + path, new GeneratedContent((repo + "/" + path).hashCode(), size));
      lfs.put(path, size >= lfsFrom);
    });
    String commit = String.format("%040x", Math.abs((long) repo.hashCode()));
    repos.put(repo, new Repo(commit, token, lfs));
  }

  /** The sha256 of a file, by its counter key (see {@link #addFile} and {@link #addRepo}). */
  public String sha256(String key) {
    return files.get(key).sha256();
  }

  /** Throttles every response body from now on; 0 lifts the limit. */
  public void rateLimit(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
  }

  /** The next {@code requests} requests, to either server, are answered 503. */
  public void failNext(int requests) {
    failNext.set(requests);
  }

  /** The next {@code responses} file bodies stop after {@code afterBytes} and the connection drops. */
  public void cutNext(int responses, long afterBytes) {
    cutAfterBytes = afterBytes;
    cutNext.set(responses);
  }

  /** Body bytes sent of one file, over all its responses. */
  public long bytesSent(String key) {
    return bytesSent.getOrDefault(key, new AtomicLong()).get();
  }

  /** Every request seen, as {@code METHOD path [Range]} with {@code cdn:} in front for the CDN. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** The Authorization headers the CDN received; there must be none. */
  public List<String> cdnAuthorizations() {
    return List.copyOf(cdnAuthorizations);
  }

  private void handle(HttpExchange exchange, boolean isCdn) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String range = exchange.getRequestHeaders().getFirst("Range");
      requests.add((isCdn ? "cdn:" : "") + exchange.getRequestMethod() + " " + path
          + (range == null ? "" : " " + range));
      if (isCdn && exchange.getRequestHeaders().containsKey("Authorization")) {
        cdnAuthorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      }
      if (take(failNext)) {
        exchange.sendResponseHeaders(503, -1);
      } else if (isCdn) {
        serve(exchange, path.substring(1));
      } else if (path.startsWith("/files/")) {
        serve(exchange, path.substring("/files/".length()));
      } else {
        hub(exchange, path);
      }
    }
  }

  private void hub(HttpExchange exchange, String path) throws IOException {
    Matcher listing = LISTING.matcher(path);
    Matcher resolve = RESOLVE.matcher(path);
    String repoName = listing.matches() ? listing.group(1) : resolve.matches() ? resolve.group(1) : "";
    Repo repo = repos.get(repoName);
    String revision = listing.matches() ? listing.group(2) : resolve.matches() ? resolve.group(2) : "";
    if (repo == null || !(revision.equals("main") || revision.equals(repo.commit()))) {
      exchange.sendResponseHeaders(404, -1);
    } else if (repo.token().isPresent() && !repo.token().map(t -> "Bearer " + t)
        .equals(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")))) {
      exchange.sendResponseHeaders(401, -1);
    } else if (listing.matches()) {
      sendJson(exchange, listing(repoName, repo));
    } else if (!repo.lfsByPath().containsKey(resolve.group(3))) {
      exchange.sendResponseHeaders(404, -1);
    } else if (repo.lfsByPath().get(resolve.group(3))) {
      exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + cdn.getAddress().getPort()
          + "/" + repoName + "/" + resolve.group(3));
      exchange.sendResponseHeaders(302, -1);
    } else {
      serve(exchange, repoName + "/" + resolve.group(3));
    }
  }

  private Map<String, Object> listing(String name, Repo repo) {
    List<Map<String, Object>> siblings = new ArrayList<>();
    repo.lfsByPath().forEach((path, lfs) -> {
      GeneratedContent content = files.get(name + "/" + path);
      Map<String, Object> sibling = new LinkedHashMap<>();
      sibling.put("rfilename", path);
      if (lfs) {
        // The blobId of an LFS file is that of its pointer file, and its size the pointer's.
        sibling.put("blobId", "0".repeat(40));
        sibling.put("size", 134);
        sibling.put("lfs", Map.of("sha256", content.sha256(), "size", content.size(), "pointerSize", 134));
      } else {
        sibling.put("blobId", content.gitBlobId());
        sibling.put("size", content.size());
      }
      siblings.add(sibling);
    });
    return Map.of("id", name, "sha", repo.commit(), "siblings", siblings);
  }

  private void serve(HttpExchange exchange, String key) throws IOException {
    GeneratedContent content = files.get(key);
    if (content == null) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    long size = content.size();
    String rangeHeader = exchange.getRequestHeaders().getFirst("Range");
    Matcher range = RANGE.matcher(rangeHeader == null ? "" : rangeHeader);
    long from = range.matches() ? Long.parseLong(range.group(1)) : 0;
    long to = range.matches() && !range.group(2).isEmpty()
        ? Math.min(size - 1, Long.parseLong(range.group(2)))
        : size - 1;
    exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
    if (range.matches() && from >= size) {
      exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
      exchange.sendResponseHeaders(416, -1);
      return;
    }
    if (range.matches()) {
      exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
    }
    int status = range.matches() ? 206 : 200;
    long length = to - from + 1;
    if ("HEAD".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Content-Length", String.valueOf(length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, length);
    long end = take(cutNext) ? Math.min(to + 1, from + cutAfterBytes) : to + 1;
    send(exchange.getResponseBody(), content, from, end, bytesSent.computeIfAbsent(key, k -> new AtomicLong()));
    if (end <= to) {
      // Leaving the exchange short of its Content-Length makes the server drop the connection.
      throw new IOException("cut on purpose after " + (end - from) + " bytes");
    }
  }

  private void send(OutputStream out, GeneratedContent content, long from, long end, AtomicLong counter)
      throws IOException {
    byte[] buffer = new byte[SLICE];
    long started = System.nanoTime();
    for (long at = from; at < end; ) {
      int n = (int) Math.min(buffer.length, end - at);
      content.fill(buffer, at, n);
      out.write(buffer, 0, n);
      out.flush();
      counter.addAndGet(n);
      at += n;
      throttle(started, at - from);
    }
  }

  private void throttle(long startedNanos, long sent) {
    long rate = bytesPerSecond;
    if (rate <= 0) {
      return;
    }
    long dueNanos = startedNanos + sent * 1_000_000_000L / rate;
    long waitMillis = (dueNanos - System.nanoTime()) / 1_000_000;
    if (waitMillis > 0) {
      try {
        Thread.sleep(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sendJson(HttpExchange exchange, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static boolean take(AtomicInteger budget) {
    return budget.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  @Override
  public void close() {
    hub.stop(0);
    cdn.stop(0);
    handlers.shutdownNow();
  }
}
