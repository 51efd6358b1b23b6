package dev.llmfleet.e2e.origin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the internet in tests: the Hugging Face Hub and a plain web server, on loopback
 * ({@link #start()}) or on a given address ({@link #start(InetAddress)}), e.g. the host's address
 * on a bridge that pods in their own network namespaces reach it through.
 *
 * <ul>
 *   <li>Files are {@link GeneratedContent}, deterministic bytes made on the fly, any size; or
 *       {@link FileContent}, a real file on disk (a model, say), read by range as it is served.
 *       Both are served, counted and throttled alike.
 *   <li>Plain files at {@code /files/<name>}; Hub repositories with the Hub's listing at {@code
 *       /api/models/<org>/<name>/revision/<rev>} and files at {@code
 *       /<org>/<name>/resolve/<rev>/<path>}. Small files are answered there; LFS files redirect
 *       (302) to a second server on another port, the "CDN", a different origin that must never see
 *       the token. A gated repository answers 401 without the right bearer token.
 *   <li>GET with {@code Range: bytes=N-} or {@code bytes=N-M} (206 + Content-Range), HEAD.
 *   <li>Hub listings as {@code huggingface_hub} reads them too: {@code /tree/<rev>} beside {@code
 *       /revision/<rev>}, and resolve answers with {@code X-Repo-Commit}, {@code ETag} and, for LFS
 *       redirects, {@code X-Linked-Etag} and {@code X-Linked-Size}.
 *   <li>Plain files carry an {@code ETag} and a {@code Last-Modified} of their version, and honour
 *       {@code If-Range}: a range asked for with another version's validator is answered 200 with
 *       the whole file.
 *   <li>Knobs: a rate limit per response, a delay before each response's first byte, the next N
 *       requests answered 503, the next N file responses cut after K body bytes (the connection is
 *       dropped halfway), a listener told of every request; a plain file's new version, a Hub
 *       repository's new commit, a plain file that redirects anywhere (another scheme, a malformed
 *       Location), and a listing that names a file or gives its size otherwise than its bytes (a
 *       NUL in a name, a negative or absurd size).
 *   <li>Counters: body bytes sent per file, requests seen and how each was answered, Authorization
 *       headers seen by the CDN.
 * </ul>
 */
public final class TestOrigin implements AutoCloseable {

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
  private static final Pattern LISTING =
      Pattern.compile("/api/models/([^/]+/[^/]+)/(revision|tree)/([^/]+)");
  private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
  private static final int SLICE = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Version 1's Last-Modified of every plain file; each new version is a day later. */
  private static final Instant FIRST_MODIFIED = Instant.parse("2026-01-01T00:00:00Z");

  /** HTTP's date format (IMF-fixdate). */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** The bind address as URLs name it. */
  private final String host;

  private final HttpServer hub;
  private final HttpServer cdn;
  private final ExecutorService handlers =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "test-origin");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<String, Content> files = new ConcurrentHashMap<>();

  /** Every file content added, to close with the origin, also those since replaced. */
  private final List<Content> opened = new CopyOnWriteArrayList<>();

  /** The version of each plain file, from 1: its ETag and Last-Modified. */
  private final Map<String, Integer> versions = new ConcurrentHashMap<>();

  /** Plain files that answer with a redirect to this Location instead of their bytes. */
  private final Map<String, String> redirects = new ConcurrentHashMap<>();

  private final Map<String, Repo> repos = new ConcurrentHashMap<>();

  /** What the CDN serves, by path without the leading slash. */
  private final Map<String, Served> cdnFiles = new ConcurrentHashMap<>();

  /** Listings' names and sizes that differ from the files', by {@code org/name/path}. */
  private final Map<String, String> listedNames = new ConcurrentHashMap<>();

  private final Map<String, Number> listedSizes = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> bytesSent = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> answers = new CopyOnWriteArrayList<>();
  private final List<String> cdnAuthorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger cutNext = new AtomicInteger();
  private volatile long cutAfterBytes;
  private volatile long bytesPerSecond;
  private volatile long firstByteDelayMillis;
  private volatile Consumer<String> requestListener = request -> {};

  /**
   * A Hub repository: its commits, oldest first (main is the newest), the token it requires and the
   * size from which its files are LFS files.
   */
  private record Repo(Optional<String> token, long lfsFrom, List<Commit> commits) {

    Commit main() {
      return commits.get(commits.size() - 1);
    }

    /** The commit a revision names: main, or a commit's sha. */
    Optional<Commit> at(String revision) {
      return revision.equals("main")
          ? Optional.of(main())
          : commits.stream().filter(c -> c.sha().equals(revision)).findFirst();
    }
  }

  /** One commit of a repository: its files in listing order. */
  private record Commit(String sha, Map<String, RepoFile> files) {}

  /**
   * A file of a commit: its bytes, whether it is an LFS file, and where the CDN serves it (files
   * unchanged between commits keep their place).
   */
  private record RepoFile(Content content, boolean lfs, String cdnPath) {}

  /** Bytes the CDN serves, and the counter they count under. */
  private record Served(String counter, Content content) {}

  /**
   * The files of a Hub repository for {@link #addRepo(String, Optional, long, RepoFiles)}, in
   * listing order: generated ones of a given size and real files from disk, mixed as wished.
   */
  public static final class RepoFiles {

    private final Map<String, Object> sources = new LinkedHashMap<>();

    private RepoFiles() {}

    public static RepoFiles of() {
      return new RepoFiles();
    }

    /** Generated bytes of {@code size} at {@code path} in the repository. */
    public RepoFiles generated(String path, long size) {
      sources.put(path, size);
      return this;
    }

    /** The bytes of {@code file} at {@code path} in the repository. */
    public RepoFiles file(String path, Path file) {
      sources.put(path, file);
      return this;
    }
  }

  private TestOrigin(InetAddress bind) throws IOException {
    // A wildcard bind serves every interface; URLs then name loopback, the one address sure to
    // work.
    host = literal(bind.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bind);
    InetSocketAddress address = new InetSocketAddress(bind, 0);
    hub = HttpServer.create(address, 64);
    cdn = HttpServer.create(address, 64);
    hub.createContext("/", exchange -> handle(exchange, false));
    cdn.createContext("/", exchange -> handle(exchange, true));
    hub.setExecutor(handlers);
    cdn.setExecutor(handlers);
    hub.start();
    cdn.start();
  }

  /** The origin on loopback. */
  public static TestOrigin start() {
    return start(InetAddress.getLoopbackAddress());
  }

  /**
   * The origin with both its servers, the Hub and the CDN, bound to {@code bind} (each on a port of
   * its own); {@link #url()} and the CDN's redirects name that address.
   */
  public static TestOrigin start(InetAddress bind) {
    try {
      return new TestOrigin(bind);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start the test origin on " + bind.getHostAddress(), e);
    }
  }

  /** Base URL, also the Hub endpoint: {@code http://<bind address>:<port>}, e.g. 127.0.0.1. */
  public String url() {
    return "http://" + host + ":" + hub.getAddress().getPort();
  }

  /** A plain file at {@code /files/<name>}; returns its URL. Counted as {@code name}. */
  public String addFile(String name, long size) {
    put(name, new GeneratedContent(name.hashCode(), size));
    versions.put(name, 1);
    return url() + "/files/" + name;
  }

  /**
   * The real file {@code file} at {@code /files/<name>}; returns its URL. Counted as {@code name}.
   * Served by range from disk, never read whole; its sha256 is computed once, on first use.
   */
  public String addFile(String name, Path file) {
    put(name, open(file));
    versions.put(name, 1);
    return url() + "/files/" + name;
  }

  /**
   * A new version of the plain file {@code name}: other bytes of the same size, and a new ETag and
   * Last-Modified, as when an object is overwritten at its URL. Still counted as {@code name}.
   */
  public void changeFile(String name) {
    long size = files.get(name).size();
    int version = versions.merge(name, 1, Integer::sum);
    put(name, new GeneratedContent((name + "#" + version).hashCode(), size));
  }

  /** The ETag the plain file {@code name} has now: {@code "<name>-v<version>"}, quoted. */
  public String etag(String name) {
    return "\"" + name + "-v" + versions.get(name) + "\"";
  }

  /**
   * {@code /files/<name>} answers 302 with exactly this Location, whatever it holds: another scheme
   * ({@code ftp://...}), credentials, or text that is no URL at all. Returns its URL.
   */
  public String redirect(String name, String location) {
    redirects.put(name, location);
    return url() + "/files/" + name;
  }

  /**
   * A Hub repository {@code org/name} at revision main. Files whose size is at least {@code
   * lfsFrom} bytes are LFS files (listed with lfs.sha256, served through the CDN); the others are
   * listed with their blobId. Each file is counted as {@code org/name/path}.
   *
   * @param token the bearer token a gated repository requires, or empty for a public one
   */
  public void addRepo(String repo, Optional<String> token, long lfsFrom, Map<String, Long> sizes) {
    RepoFiles generated = RepoFiles.of();
    sizes.forEach(generated::generated);
    addRepo(repo, token, lfsFrom, generated);
  }

  /**
   * A Hub repository as {@link #addRepo(String, Optional, long, Map)} does, whose files may also be
   * real files from disk: {@code RepoFiles.of().generated("config.json", 700).file("model.gguf",
   * path)}. The same {@code lfsFrom} rule makes a file LFS or not, whatever its bytes come from.
   */
  public void addRepo(String repo, Optional<String> token, long lfsFrom, RepoFiles repoFiles) {
    Map<String, RepoFile> commitFiles = new LinkedHashMap<>();
    repoFiles.sources.forEach(
        (path, source) -> {
          String key = repo + "/" + path;
          Content content =
              source instanceof Path file
                  ? open(file)
                  : new GeneratedContent(key.hashCode(), (Long) source);
          commitFiles.put(path, repoFile(key, content, lfsFrom, key));
        });
    String commit = String.format("%040x", Math.abs((long) repo.hashCode()));
    repos.put(repo, new Repo(token, lfsFrom, List.of(new Commit(commit, commitFiles))));
  }

  /**
   * A new commit of the Hub repository {@code repo}, which main then points to: the files named in
   * {@code changed} get other (generated) bytes of the size given, the others stay as they are. The
   * earlier commits still list and serve their own bytes; a file is counted as {@code
   * org/name/path} whatever commit it is fetched for, and {@link #sha256} gives main's. Returns the
   * new commit's sha.
   */
  public String newCommit(String repo, Map<String, Long> changed) {
    Repo before = repos.get(repo);
    String sha =
        String.format("%08x%032x", before.commits().size(), Math.abs((long) repo.hashCode()));
    Map<String, RepoFile> commitFiles = new LinkedHashMap<>(before.main().files());
    changed.forEach(
        (path, size) -> {
          String key = repo + "/" + path;
          Content content = new GeneratedContent((key + "@" + sha).hashCode(), size);
          commitFiles.put(
              path, repoFile(key, content, before.lfsFrom(), repo + "/" + sha + "/" + path));
        });
    List<Commit> commits = new ArrayList<>(before.commits());
    commits.add(new Commit(sha, commitFiles));
    repos.put(repo, new Repo(before.token(), before.lfsFrom(), List.copyOf(commits)));
    return sha;
  }

  /** The commit main points to in a Hub repository. */
  public String commit(String repo) {
    return repos.get(repo).main().sha();
  }

  /**
   * The listings of {@code repo} name its file {@code path} {@code listedName} instead, a name with
   * a NUL, say; the file is still served under its own path only.
   */
  public void listAs(String repo, String path, String listedName) {
    listedNames.put(repo + "/" + path, listedName);
  }

  /**
   * The listings of {@code repo} give {@code size} as the size of its file {@code path} (in {@code
   * lfs.size} for an LFS file): a negative one, or one larger than any file, a {@link
   * java.math.BigInteger} beyond a long even. The bytes served stay the file's.
   */
  public void listSize(String repo, String path, Number size) {
    listedSizes.put(repo + "/" + path, size);
  }

  /** The sha256 of a file, by its counter key (see {@link #addFile} and {@link #addRepo}). */
  public String sha256(String key) {
    return files.get(key).sha256();
  }

  /** The git blob id of a file, by its counter key. */
  public String gitBlobId(String key) {
    return files.get(key).gitBlobId();
  }

  /** Throttles every response body from now on; 0 lifts the limit. */
  public void rateLimit(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Every response, to either server, waits that long before its first byte; 0 for none. */
  public void firstByteDelay(long millis) {
    this.firstByteDelayMillis = millis;
  }

  /** Told of every request as it arrives, as {@link #requests()} records it. */
  public void onRequest(Consumer<String> listener) {
    this.requestListener = listener;
  }

  /** The next {@code requests} requests, to either server, are answered 503. */
  public void failNext(int requests) {
    failNext.set(requests);
  }

  /**
   * The next {@code responses} file bodies stop after {@code afterBytes} and the connection drops.
   */
  public void cutNext(int responses, long afterBytes) {
    cutAfterBytes = afterBytes;
    cutNext.set(responses);
  }

  /** Body bytes sent of one file, over all its responses. */
  public long bytesSent(String key) {
    return bytesSent.getOrDefault(key, new AtomicLong()).get();
  }

  /**
   * Every request seen, as {@code METHOD path [Range [If-Range <validator>]]} with {@code cdn:} in
   * front for the CDN.
   */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /**
   * Every request answered, as in {@link #requests()} followed by {@code -> <status>}; a request
   * appears here once its handler is done, a cut one too.
   */
  public List<String> answers() {
    return List.copyOf(answers);
  }

  /** The Authorization headers the CDN received; there must be none. */
  public List<String> cdnAuthorizations() {
    return List.copyOf(cdnAuthorizations);
  }

  private void handle(HttpExchange exchange, boolean isCdn) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String range = exchange.getRequestHeaders().getFirst("Range");
      String ifRange = exchange.getRequestHeaders().getFirst("If-Range");
      String request =
          (isCdn ? "cdn:" : "")
              + exchange.getRequestMethod()
              + " "
              + path
              + (range == null ? "" : " " + range)
              + (range == null || ifRange == null ? "" : " If-Range " + ifRange);
      requests.add(request);
      try {
        requestListener.accept(request);
        if (isCdn && exchange.getRequestHeaders().containsKey("Authorization")) {
          cdnAuthorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        }
        delayFirstByte();
        if (take(failNext)) {
          exchange.sendResponseHeaders(503, -1);
        } else if (isCdn) {
          Served served = cdnFiles.get(path.substring(1));
          if (served == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            serve(exchange, served.counter(), served.content());
          }
        } else if (path.startsWith("/files/")) {
          plainFile(exchange, path.substring("/files/".length()));
        } else {
          hub(exchange, path);
        }
      } finally {
        answers.add(request + " -> " + exchange.getResponseCode());
      }
    }
  }

  private void plainFile(HttpExchange exchange, String name) throws IOException {
    String location = redirects.get(name);
    if (location != null) {
      exchange.getResponseHeaders().set("Location", location);
      exchange.sendResponseHeaders(302, -1);
      return;
    }
    Integer version = versions.get(name);
    if (version != null) {
      exchange.getResponseHeaders().set("ETag", etag(name));
      exchange
          .getResponseHeaders()
          .set(
              "Last-Modified",
              HTTP_DATE.format(FIRST_MODIFIED.plus(version - 1L, ChronoUnit.DAYS)));
    }
    serve(exchange, name, files.get(name));
  }

  private void hub(HttpExchange exchange, String path) throws IOException {
    Matcher listing = LISTING.matcher(path);
    Matcher resolve = RESOLVE.matcher(path);
    String repoName =
        listing.matches() ? listing.group(1) : resolve.matches() ? resolve.group(1) : "";
    Repo repo = repos.get(repoName);
    String revision =
        listing.matches() ? listing.group(3) : resolve.matches() ? resolve.group(2) : "";
    Optional<Commit> commit = repo == null ? Optional.empty() : repo.at(revision);
    if (commit.isEmpty()) {
      exchange.sendResponseHeaders(404, -1);
    } else if (repo.token().isPresent()
        && !repo.token()
            .map(t -> "Bearer " + t)
            .equals(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")))) {
      exchange.sendResponseHeaders(401, -1);
    } else if (listing.matches()) {
      sendJson(
          exchange,
          listing.group(2).equals("tree")
              ? tree(repoName, commit.get())
              : listing(repoName, commit.get()));
    } else if (!commit.get().files().containsKey(resolve.group(3))) {
      exchange.sendResponseHeaders(404, -1);
    } else {
      RepoFile file = commit.get().files().get(resolve.group(3));
      Content content = file.content();
      exchange.getResponseHeaders().set("X-Repo-Commit", commit.get().sha());
      if (file.lfs()) {
        exchange.getResponseHeaders().set("X-Linked-Etag", "\"" + content.sha256() + "\"");
        exchange.getResponseHeaders().set("X-Linked-Size", String.valueOf(content.size()));
        exchange
            .getResponseHeaders()
            .set(
                "Location",
                "http://" + host + ":" + cdn.getAddress().getPort() + "/" + file.cdnPath());
        exchange.sendResponseHeaders(302, -1);
      } else {
        exchange.getResponseHeaders().set("ETag", "\"" + content.gitBlobId() + "\"");
        serve(exchange, repoName + "/" + resolve.group(3), content);
      }
    }
  }

  private Map<String, Object> listing(String name, Commit commit) {
    List<Map<String, Object>> siblings = new ArrayList<>();
    commit
        .files()
        .forEach(
            (path, file) -> {
              Content content = file.content();
              Map<String, Object> sibling = new LinkedHashMap<>();
              sibling.put("rfilename", listedName(name, path));
              if (file.lfs()) {
                // The blobId of an LFS file is that of its pointer file, and its size the
                // pointer's.
                sibling.put("blobId", "0".repeat(40));
                sibling.put("size", 134);
                sibling.put(
                    "lfs",
                    Map.of(
                        "sha256",
                        content.sha256(),
                        "size",
                        listedSize(name, path, content),
                        "pointerSize",
                        134));
              } else {
                sibling.put("blobId", content.gitBlobId());
                sibling.put("size", listedSize(name, path, content));
              }
              siblings.add(sibling);
            });
    return Map.of("id", name, "sha", commit.sha(), "siblings", siblings);
  }

  /** The Hub's {@code tree/<rev>?recursive=true} page: every file, none of them a folder. */
  private List<Map<String, Object>> tree(String name, Commit commit) {
    List<Map<String, Object>> entries = new ArrayList<>();
    commit
        .files()
        .forEach(
            (path, file) -> {
              Content content = file.content();
              Map<String, Object> entry = new LinkedHashMap<>();
              entry.put("type", "file");
              entry.put("oid", file.lfs() ? "0".repeat(40) : content.gitBlobId());
              entry.put("size", listedSize(name, path, content));
              entry.put("path", listedName(name, path));
              if (file.lfs()) {
                entry.put(
                    "lfs",
                    Map.of(
                        "oid",
                        content.sha256(),
                        "size",
                        listedSize(name, path, content),
                        "pointerSize",
                        134));
              }
              entries.add(entry);
            });
    return entries;
  }

  private String listedName(String repo, String path) {
    return listedNames.getOrDefault(repo + "/" + path, path);
  }

  private Number listedSize(String repo, String path, Content content) {
    return listedSizes.getOrDefault(repo + "/" + path, content.size());
  }

  /**
   * A repository file whose bytes are also main's under {@code key} (for {@link #sha256}), served
   * by the CDN at {@code cdnPath} when it is an LFS file.
   */
  private RepoFile repoFile(String key, Content content, long lfsFrom, String cdnPath) {
    put(key, content);
    boolean lfs = content.size() >= lfsFrom;
    if (lfs) {
      cdnFiles.put(cdnPath, new Served(key, content));
    }
    return new RepoFile(content, lfs, cdnPath);
  }

  private void delayFirstByte() {
    long millis = firstByteDelayMillis;
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Serves {@code content}, counting its body bytes under {@code key}; 404 for none. */
  private void serve(HttpExchange exchange, String key, Content content) throws IOException {
    if (content == null) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    long size = content.size();
    // A range asked for "if still this version" of another version is answered with all of it.
    String rangeHeader =
        rangeMatching(exchange) ? exchange.getRequestHeaders().getFirst("Range") : null;
    Matcher range = RANGE.matcher(rangeHeader == null ? "" : rangeHeader);
    long from = range.matches() ? Long.parseLong(range.group(1)) : 0;
    long to =
        range.matches() && !range.group(2).isEmpty()
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
    // Length 0 would mean a chunked body to the server; -1 sends Content-Length: 0 and no body.
    exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
    long end = take(cutNext) ? Math.min(to + 1, from + cutAfterBytes) : to + 1;
    send(
        exchange.getResponseBody(),
        content,
        from,
        end,
        bytesSent.computeIfAbsent(key, k -> new AtomicLong()));
    if (end <= to) {
      // Leaving the exchange short of its Content-Length makes the server drop the connection.
      throw new IOException("cut on purpose after " + (end - from) + " bytes");
    }
  }

  /**
   * Whether the request's Range holds: it has no If-Range, or one naming the response's ETag or
   * Last-Modified.
   */
  private static boolean rangeMatching(HttpExchange exchange) {
    String ifRange = exchange.getRequestHeaders().getFirst("If-Range");
    return ifRange == null
        || ifRange.equals(exchange.getResponseHeaders().getFirst("ETag"))
        || ifRange.equals(exchange.getResponseHeaders().getFirst("Last-Modified"));
  }

  private void send(OutputStream out, Content content, long from, long end, AtomicLong counter)
      throws IOException {
    byte[] buffer = new byte[SLICE];
    // Throttled, the bytes go in slices of an eighth of a second's worth: a slow origin trickles
    // rather than sending 64 KiB at once and then nothing for a long while.
    long rate = bytesPerSecond;
    int slice = rate > 0 ? (int) Math.max(1, Math.min(SLICE, rate / 8)) : SLICE;
    long started = System.nanoTime();
    for (long at = from; at < end; ) {
      int n = (int) Math.min(slice, end - at);
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

  private void put(String key, Content content) {
    opened.add(content);
    files.put(key, content);
  }

  private static Content open(Path file) {
    try {
      return new FileContent(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve " + file, e);
    }
  }

  /** The address as a URL's host: an IPv6 one in brackets, its zone (if any) escaped. */
  private static String literal(InetAddress address) {
    String text = address.getHostAddress();
    return address instanceof Inet6Address ? "[" + text.replace("%", "%25") + "]" : text;
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
    for (Content content : opened) {
      try {
        content.close();
      } catch (IOException e) {
        // Closing a read-only channel: nothing to lose.
      }
    }
  }
}
