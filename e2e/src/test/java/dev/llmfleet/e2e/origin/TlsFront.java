package dev.llmfleet.e2e.origin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * HTTPS in front of a {@link TestOrigin}'s Hub, with a certificate from a test CA made here, and
 * optionally under a path prefix (as an artifact manager's Hub mirror, {@code
 * https://host/api/huggingface/hf-remote}): requests below the prefix are passed on to the origin
 * without it, answers come back as they are (redirects to the CDN included).
 */
public final class TlsFront implements AutoCloseable {

  private final HttpsServer server;
  private final String origin;
  private final String prefix;
  private final Path caCertificate;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final ExecutorService handlers =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "tls-front");
            thread.setDaemon(true);
            return thread;
          });

  private TlsFront(String origin, String prefix, Path dir) throws Exception {
    this.origin = origin;
    this.prefix = prefix.replaceAll("/+$", "");
    this.caCertificate = dir.resolve("ca.crt");
    Path keystore = certificates(dir);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, "changeit".toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.createContext("/", this::forward);
    server.setExecutor(handlers);
    server.start();
  }

  /**
   * HTTPS for {@code origin.url()} on loopback under {@code prefix} ("" for none); the test CA and
   * the server's key are made with openssl in {@code dir}.
   */
  public static TlsFront start(TestOrigin origin, String prefix, Path dir) {
    try {
      return new TlsFront(origin.url(), prefix, dir);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the TLS front: " + e.getMessage(), e);
    }
  }

  /** The endpoint: {@code https://127.0.0.1:<port><prefix>}. */
  public String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + prefix;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** PEM of the test CA that signed the server's certificate. */
  public Path caCertificate() {
    return caCertificate;
  }

  /** Authorization headers received, as {@code path value}. */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      if (!path.startsWith(prefix + "/")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization != null) {
        authorizations.add(path + " " + authorization);
      }
      URI target =
          URI.create(origin + path.substring(prefix.length()) + (query == null ? "" : "?" + query));
      HttpURLConnection connection =
          (HttpURLConnection) target.toURL().openConnection(Proxy.NO_PROXY);
      connection.setInstanceFollowRedirects(false);
      connection.setRequestMethod(exchange.getRequestMethod());
      for (String header : List.of("Authorization", "Range", "User-Agent")) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          connection.setRequestProperty(header, value);
        }
      }
      int status = connection.getResponseCode();
      for (String header :
          List.of(
              "Location",
              "Content-Range",
              "Content-Type",
              "Accept-Ranges",
              "ETag",
              "X-Repo-Commit",
              "X-Linked-Etag",
              "X-Linked-Size")) {
        String value = connection.getHeaderField(header);
        if (value != null) {
          exchange.getResponseHeaders().set(header, value);
        }
      }
      long length = connection.getContentLengthLong();
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      if (head && length >= 0) {
        exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
      }
      exchange.sendResponseHeaders(status, head || length == 0 ? -1 : Math.max(length, 0));
      InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      if (body != null) {
        try (body;
            OutputStream out = exchange.getResponseBody()) {
          if (!head) {
            body.transferTo(out);
          }
        }
      }
    }
  }

  private static Path certificates(Path dir) throws IOException, InterruptedException {
    Files.writeString(
        dir.resolve("server.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
            + "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
    Files.writeString(
        dir.resolve("ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
            + "subjectKeyIdentifier=hash\n");
    run(
        dir,
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.csr",
        "-subj",
        "/CN=LLMFleet e2e test CA");
    run(
        dir,
        "openssl",
        "x509",
        "-req",
        "-in",
        "ca.csr",
        "-signkey",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-extfile",
        "ca.ext");
    run(
        dir,
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1");
    run(
        dir,
        "openssl",
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "server.ext");
    run(
        dir,
        "openssl",
        "pkcs12",
        "-export",
        "-in",
        "server.crt",
        "-inkey",
        "server.key",
        "-out",
        "server.p12",
        "-passout",
        "pass:changeit");
    return dir.resolve("server.p12");
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
