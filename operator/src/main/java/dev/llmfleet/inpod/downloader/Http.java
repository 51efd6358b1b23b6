package dev.llmfleet.inpod.downloader;

import dev.llmfleet.common.Urls;
import dev.llmfleet.config.Version;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
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
 * <p>Redirects are followed here, not by the connection, so that the token goes only to the origin
 * it is meant for: Hub downloads of LFS files redirect to a CDN on another host, which must not see
 * it (the rule curl applies since CVE-2022-27776: another scheme, host or port is another origin).
 * Through a proxy this still holds: the token goes only with requests to its origin, and for an
 * https origin only inside the CONNECT tunnel, so the proxy never sees it.
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
  Http(
      Duration connectTimeout,
      Duration readTimeout,
      Optional<Token> token,
      Proxies proxies,
      Optional<SSLSocketFactory> tls) {
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.token = token;
    this.proxies = proxies;
    this.tls = tls;
  }

  /**
   * A URL the downloader can fetch from, or an {@link Failure#INVALID_SOURCE} failure naming the
   * field it came from: the CRD's pattern lets through text that java.net.URI rejects ({@code |},
   * {@code {}}, a bad {@code %} escape) and host names it parses as no host at all (with {@code
   * _}).
   */
  static URI parseSource(String field, String text) throws Failure {
    try {
      return usable(text);
    } catch (URISyntaxException e) {
      throw new Failure(
          Failure.INVALID_SOURCE,
          field
              + " "
              + Urls.redact(text)
              + " is not a valid URL: "
              + e.getMessage()
              + "; percent-encode spaces and characters such as | { } ^ (%20, %7C, ...)");
    }
  }

  /**
   * An absolute http or https URL with a host; the exception's message never holds the URL's query
   * or userinfo, which may be credentials.
   */
  private static URI usable(String text) throws URISyntaxException {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new URISyntaxException(Urls.redact(text), e.getReason(), e.getIndex());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new URISyntaxException(Urls.redact(text), "only http and https URLs can be fetched");
    }
    if (uri.getHost() == null) {
      throw new URISyntaxException(
          Urls.redact(text),
          "no host name that Java can use (host names hold letters,"
              + " digits, \"-\" and \".\", never \"_\")");
    }
    return uri;
  }

  /** GET from byte {@code from} to the end (no Range header from 0). */
  Response get(URI uri, long from) throws IOException, Failure {
    return get(uri, from, Optional.empty());
  }

  /**
   * GET from byte {@code from} to the end, the range only if the file still has this validator (an
   * ETag or a Last-Modified date, sent as {@code If-Range}): a server whose file changed answers
   * 200 with all of it.
   */
  Response get(URI uri, long from, Optional<String> ifRange) throws IOException, Failure {
    return send(
        "GET", uri, from > 0 ? "bytes=" + from + "-" : null, from > 0 ? ifRange : Optional.empty());
  }

  /** GET of the first byte only: the size of a file whose server refuses HEAD. */
  Response getFirstByte(URI uri) throws IOException, Failure {
    return send("GET", uri, "bytes=0-0", Optional.empty());
  }

  Response head(URI uri) throws IOException, Failure {
    return send("HEAD", uri, null, Optional.empty());
  }

  private Response send(String method, URI uri, String range, Optional<String> ifRange)
      throws IOException, Failure {
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
        ifRange.ifPresent(validator -> connection.setRequestProperty("If-Range", validator));
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
        throw new ProtocolException(
            method + " " + show(uri) + ": more than " + MAX_REDIRECTS + " redirects");
      }
      current = redirectTarget(method, uri, current, location);
    }
  }

  /**
   * Where a Location header points. One that is no URL, or points to another scheme than http and
   * https (ftp:, file:, jar:), cannot be followed, and asking again will get the same answer.
   */
  private static URI redirectTarget(String method, URI asked, URI current, String location)
      throws Failure {
    String shown =
        method
            + " "
            + show(asked)
            + " redirected to "
            + Failure.printable(Urls.redact(location), 200);
    URI target;
    try {
      target = current.resolve(new URI(location));
    } catch (URISyntaxException e) {
      throw new Failure(
          Failure.TRANSFER_FAILED,
          shown
              + ", which is not a valid URL ("
              + e.getReason()
              + " at index "
              + e.getIndex()
              + "): the server's Location header is malformed");
    }
    try {
      return usable(target.toString());
    } catch (URISyntaxException e) {
      throw new Failure(
          Failure.TRANSFER_FAILED, shown + ", which cannot be followed: " + e.getReason());
    }
  }

  /** A connection through the proxy the environment names for this URL, or direct. */
  private HttpURLConnection open(URI uri) throws IOException {
    Optional<Proxies.Server> proxy = proxies.forUri(uri);
    HttpURLConnection connection =
        (HttpURLConnection)
            uri.toURL().openConnection(proxy.map(Proxies.Server::proxy).orElse(Proxy.NO_PROXY));
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
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equals(uri.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
  }

  /**
   * A URL for messages and logs: without userinfo and query string, where CDNs put their
   * signatures.
   */
  static String show(URI uri) {
    return Urls.redact(uri.toString());
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
     * Returns for 2xx; otherwise throws what the caller should do about it: a {@link Failure} when
     * asking again cannot help (401, 403, 404, other 4xx), an IOException, which is retried, for
     * 408, 429 and 5xx.
     */
    void requireSuccess() throws IOException, Failure {
      if (status >= 200 && status < 300) {
        return;
      }
      String message = describe();
      if (status == 408 || status == 429 || status >= 500) {
        throw new IOException(message);
      }
      String reason =
          switch (status) {
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
