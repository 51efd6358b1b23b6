package dev.llmfleet.downloader;

import dev.llmfleet.config.Version;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;

/**
 * GET and HEAD requests of the downloader.
 *
 * <p>Built on HttpURLConnection rather than java.net.http.HttpClient because its read timeout
 * covers every read of the body: HttpClient's timeout ends with the response headers, so a socket
 * that stalls in the middle of a file would hang the download forever (or need a watchdog).
 *
 * <p>Redirects are followed here, not by the connection, so that the token goes only to the
 * origin it is meant for: Hub downloads of LFS files redirect to a CDN on another host, which must
 * not see it (the rule curl applies since CVE-2022-27776: another scheme, host or port is another
 * origin). Through a proxy this still holds: the token goes only with requests to its origin, and
 * for an https origin only inside the CONNECT tunnel, so the proxy never sees it.
 *
 * <p>Proxies come from the pod's environment ({@link Proxies}), never from the JVM's system
 * properties; TLS trusts the JVM's CAs plus the pod's CA bundle, if any ({@link Tls}).
 */
final class Http {

  static final int MAX_REDIRECTS = 5;

  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Optional<Token> token;
  private final Proxies proxies;
  private final Optional<SSLSocketFactory> tls;

  /** A bearer token and the only origin it is sent to; toString never shows the value. */
  record Token(URI origin, String value) {
    @Override
    public String toString() {
      return "Token[" + origin + ", ****]";
    }
  }

  Http(Duration connectTimeout, Duration readTimeout, Optional<Token> token) {
    this(connectTimeout, readTimeout, token, Proxies.NONE, Optional.empty());
  }

  /**
   * @param tls the socket factory for https, trusting the pod's CA bundle too; empty for the JVM's
   */
  Http(Duration connectTimeout, Duration readTimeout, Optional<Token> token, Proxies proxies,
      Optional<SSLSocketFactory> tls) {
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.token = token;
    this.proxies = proxies;
    this.tls = tls;
  }

  /** GET from byte {@code from} to the end (no Range header from 0). */
  Response get(URI uri, long from) throws IOException {
    return send("GET", uri, from > 0 ? "bytes=" + from + "-" : null);
  }

  /** GET of the first byte only: the size of a file whose server refuses HEAD. */
  Response getFirstByte(URI uri) throws IOException {
    return send("GET", uri, "bytes=0-0");
  }

  Response head(URI uri) throws IOException {
    return send("HEAD", uri, null);
  }

  private Response send(String method, URI uri, String range) throws IOException {
    URI current = uri;
    for (int redirects = 0; ; redirects++) {
      HttpURLConnection connection = open(current);
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      connection.setConnectTimeout((int) connectTimeout.toMillis());
      connection.setReadTimeout((int) readTimeout.toMillis());
      connection.setRequestMethod(method);
      connection.setRequestProperty("User-Agent", "llmfleet-downloader/" + Version.CURRENT);
      if (range != null) {
        connection.setRequestProperty("Range", range);
      }
      if (token.isPresent() && sameOrigin(token.get().origin(), current)) {
        connection.setRequestProperty("Authorization", "Bearer " + token.get().value());
      }
      Response response;
      try {
        response = new Response(method, uri, connection);
      } catch (SSLHandshakeException e) {
        throw new Tls.HandshakeFailure(current, tls.isPresent(), e);
      }
      if (!isRedirect(response.status())) {
        return response;
      }
      String location = connection.getHeaderField("Location");
      response.close();
      if (location == null) {
        throw new ProtocolException(response.describe() + " without a Location");
      }
      if (redirects == MAX_REDIRECTS) {
        throw new ProtocolException(method + " " + show(uri) + ": more than " + MAX_REDIRECTS
            + " redirects");
      }
      current = current.resolve(location);
    }
  }

  /** A connection through the proxy the environment names for this URL, or direct. */
  private HttpURLConnection open(URI uri) throws IOException {
    Optional<Proxies.Server> proxy = proxies.forUri(uri);
    HttpURLConnection connection = (HttpURLConnection) uri.toURL()
        .openConnection(proxy.map(Proxies.Server::proxy).orElse(Proxy.NO_PROXY));
    if (proxy.isPresent() && proxy.get().credentials().isPresent()) {
      connection.setAuthenticator(proxies.authenticator());
    }
    if (tls.isPresent() && connection instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(tls.get());
    }
    return connection;
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equals(uri.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
  }

  /** A URL for messages and logs: without query string, where CDNs put their signatures. */
  static String show(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
  }

  /** An answer; closing it returns the connection to the keep-alive pool when the body was read. */
  static final class Response implements AutoCloseable {
    private final String method;
    private final URI requested;
    private final HttpURLConnection connection;
    private final int status;

    Response(String method, URI requested, HttpURLConnection connection) throws IOException {
      this.method = method;
      this.requested = requested;
      this.connection = connection;
      this.status = connection.getResponseCode();
    }

    int status() {
      return status;
    }

    String header(String name) {
      return connection.getHeaderField(name);
    }

    /** Content-Length, or -1. */
    long contentLength() {
      return connection.getContentLengthLong();
    }

    InputStream body() throws IOException {
      return connection.getInputStream();
    }

    /**
     * Returns for 2xx; otherwise throws what the caller should do about it: a {@link Failure}
     * when asking again cannot help (401, 403, 404, other 4xx), an IOException, which is retried,
     * for 408, 429 and 5xx.
     */
    void requireSuccess() throws IOException, Failure {
      if (status >= 200 && status < 300) {
        return;
      }
      String message = describe();
      if (status == 408 || status == 429 || status >= 500) {
        throw new IOException(message);
      }
      String reason = switch (status) {
        case 401, 403 -> Failure.UNAUTHORIZED;
        case 404, 410 -> Failure.SOURCE_NOT_FOUND;
        default -> Failure.TRANSFER_FAILED;
      };
      throw new Failure(reason, message);
    }

    /** {@code GET http://host/path answered 404 Not Found}, naming the URL asked for. */
    String describe() {
      String phrase = "";
      try {
        phrase = Optional.ofNullable(connection.getResponseMessage()).map(m -> " " + m).orElse("");
      } catch (IOException e) {
        // The status line was read already; without its phrase the message is still clear.
      }
      return method + " " + show(requested) + " answered " + status + phrase;
    }

    @Override
    public void close() {
      try {
        InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        if (in != null) {
          in.close();
        }
      } catch (IOException e) {
        connection.disconnect();
      }
    }

    /** Drops the connection: for a body abandoned halfway, which must not be drained. */
    void abandon() {
      connection.disconnect();
    }
  }
}
