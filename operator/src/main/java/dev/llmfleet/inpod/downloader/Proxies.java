package dev.llmfleet.inpod.downloader;

import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The proxies of the download pod, from HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or their lower-case
 * forms, which win when both are set, as with curl). The JDK reads none of these itself.
 *
 * <ul>
 *   <li>{@code https://} URLs go through HTTPS_PROXY, {@code http://} URLs through HTTP_PROXY; no
 *       variable, no proxy. HTTPS goes through a CONNECT tunnel, so the proxy never sees the
 *       request, its headers or the token.
 *   <li>A proxy is {@code [http://][user:password@]host[:port]}; the port defaults to 80 ({@code
 *       443} for an {@code https://} proxy URL, which is spoken to as plain HTTP too: the JDK
 *       cannot speak TLS to a proxy). Credentials go as Basic {@code Proxy-Authorization}, to the
 *       proxy only; they never appear in messages ({@link #mask}).
 *   <li>NO_PROXY is a comma (or space) separated list; {@code *} alone bypasses every proxy. An
 *       entry {@code example.com} or {@code .example.com} matches that host and every host under it
 *       ({@code a.example.com}, not {@code badexample.com}); {@code *.example.com} likewise. An IP
 *       address matches that address; an entry with a CIDR suffix ({@code 10.0.0.0/8}) matches the
 *       addresses in it, by literal address only (no name is resolved). An entry with a port
 *       ({@code host:8443}, {@code [::1]:8443}) matches only that port. Case is ignored.
 *   <li>Unlike Go, loopback is not bypassed implicitly: list {@code localhost,127.0.0.1} if needed.
 * </ul>
 */
final class Proxies {

  static {
    // The JDK refuses Basic credentials for CONNECT tunnels unless told otherwise; the proxy's own
    // credentials are what the user gave for it, and go to that proxy only.
    if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
      System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
    }
  }

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** A proxy server and its credentials, if any. */
  record Server(String host, int port, Optional<PasswordAuthentication> credentials) {
    Proxy proxy() {
      return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
    }

    @Override
    public String toString() {
      return host + ":" + port + (credentials.isPresent() ? " (with credentials)" : "");
    }
  }

  private record Exclusion(String host, int port, Optional<Cidr> cidr) {}

  private final Optional<Server> https;
  private final Optional<Server> http;
  private final boolean bypassAll;
  private final List<Exclusion> exclusions;

  private Proxies(Optional<Server> https, Optional<Server> http, String noProxy) {
    this.https = https;
    this.http = http;
    List<Exclusion> parsed = new ArrayList<>();
    boolean all = false;
    for (String entry : noProxy.split("[,\\s]+")) {
      String e = entry.trim().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      if (e.equals("*")) {
        all = true;
        continue;
      }
      parsed.add(exclusion(e));
    }
    this.bypassAll = all;
    this.exclusions = List.copyOf(parsed);
  }

  static final Proxies NONE = new Proxies(Optional.empty(), Optional.empty(), "");

  /**
   * From the environment; a malformed proxy URL is an IllegalArgumentException naming the variable,
   * masked.
   */
  static Proxies fromEnvironment(Map<String, String> env) {
    return new Proxies(
        server(env, "https_proxy"),
        server(env, "http_proxy"),
        variable(env, "no_proxy").map(Map.Entry::getValue).orElse(""));
  }

  /** The proxy for a URL, or empty to connect directly. */
  Optional<Server> forUri(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    Optional<Server> server =
        "https".equals(scheme) ? https : "http".equals(scheme) ? http : Optional.empty();
    if (server.isEmpty() || bypasses(uri)) {
      return Optional.empty();
    }
    return server;
  }

  boolean bypasses(URI uri) {
    if (bypassAll) {
      return true;
    }
    String host = unbracket(uri.getHost().toLowerCase(Locale.ROOT));
    int port =
        uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    for (Exclusion e : exclusions) {
      if (e.port() != -1 && e.port() != port) {
        continue;
      }
      if (e.cidr().isPresent()
          ? e.cidr().get().contains(host)
          : host.equals(e.host()) || host.endsWith("." + e.host())) {
        return true;
      }
    }
    return false;
  }

  /** What the downloader says about its proxies at start: hosts and ports, never credentials. */
  String describe() {
    if (https.isEmpty() && http.isEmpty()) {
      return "no proxy";
    }
    return "proxy for https: "
        + https.map(Server::toString).orElse("none")
        + ", for http: "
        + http.map(Server::toString).orElse("none")
        + (bypassAll
            ? ", NO_PROXY=*"
            : exclusions.isEmpty()
                ? ""
                : ", bypassed for " + exclusions.size() + " NO_PROXY entries");
  }

  /** Answers a proxy's 407 with the credentials of that proxy, and nothing else ever. */
  Authenticator authenticator() {
    return new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        if (getRequestorType() != RequestorType.PROXY) {
          return null;
        }
        for (Optional<Server> server : List.of(https, http)) {
          if (server.isPresent()
              && server.get().credentials().isPresent()
              && server.get().host().equalsIgnoreCase(getRequestingHost())
              && server.get().port() == getRequestingPort()) {
            return server.get().credentials().get();
          }
        }
        return null;
      }
    };
  }

  /**
   * {@code http://user:pass@proxy:3128} as {@code http://****@proxy:3128}: for every message that
   * names a proxy.
   */
  static String mask(String text) {
    return text == null ? null : text.replaceAll("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]*@", "$1****@");
  }

  private static Optional<Map.Entry<String, String>> variable(
      Map<String, String> env, String lower) {
    for (String name : List.of(lower, lower.toUpperCase(Locale.ROOT))) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return Optional.of(Map.entry(name, value.trim()));
      }
    }
    return Optional.empty();
  }

  private static Optional<Server> server(Map<String, String> env, String lower) {
    return variable(env, lower).map(v -> parse(v.getKey(), v.getValue()));
  }

  static Server parse(String variable, String value) {
    String text = value.contains("://") ? value : "http://" + value;
    URI uri;
    try {
      uri = new URI(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(variable + " is not a proxy URL: " + mask(text));
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException(
          variable + " must be http://[user:password@]host[:port], got " + mask(text));
    }
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    Optional<PasswordAuthentication> credentials =
        Optional.ofNullable(uri.getRawUserInfo())
            .map(
                info -> {
                  int colon = info.indexOf(':');
                  String user = decode(colon < 0 ? info : info.substring(0, colon));
                  String password = colon < 0 ? "" : decode(info.substring(colon + 1));
                  return new PasswordAuthentication(user, password.toCharArray());
                });
    return new Server(unbracket(uri.getHost()), port, credentials);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static Exclusion exclusion(String entry) {
    String host = entry;
    int port = -1;
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      if (end > 0 && host.startsWith(":", end + 1)) {
        port = port(host.substring(end + 2));
      }
      host =
          end > 0
              ? host.substring(1, end) + host.substring(end + 1).replaceFirst("^:\\d+", "")
              : host;
    } else if (host.chars().filter(c -> c == ':').count() == 1) {
      int colon = host.indexOf(':');
      port = port(host.substring(colon + 1));
      host = host.substring(0, colon);
    }
    if (host.startsWith("*.")) {
      host = host.substring(2);
    } else if (host.startsWith(".")) {
      host = host.substring(1);
    }
    Optional<Cidr> cidr = Cidr.parse(host);
    return new Exclusion(host, port, cidr);
  }

  private static int port(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** An address range of literal addresses, IPv4 or IPv6; a plain address is a range of one. */
  private record Cidr(byte[] network, int bits) {
    static Optional<Cidr> parse(String text) {
      int slash = text.indexOf('/');
      String address = slash < 0 ? text : text.substring(0, slash);
      Optional<byte[]> bytes = literal(address);
      if (bytes.isEmpty()) {
        return Optional.empty();
      }
      int bits = slash < 0 ? bytes.get().length * 8 : port(text.substring(slash + 1));
      if (bits < 0 || bits > bytes.get().length * 8) {
        return Optional.empty();
      }
      return Optional.of(new Cidr(bytes.get(), bits));
    }

    boolean contains(String host) {
      Optional<byte[]> address = literal(host);
      if (address.isEmpty() || address.get().length != network.length) {
        return false;
      }
      for (int bit = 0; bit < bits; bit++) {
        int mask = 0x80 >> (bit % 8);
        if ((address.get()[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }

    /** The bytes of an IP literal, without ever asking DNS. */
    private static Optional<byte[]> literal(String text) {
      if (IPV4.matcher(text).matches()) {
        byte[] bytes = new byte[4];
        String[] parts = text.split("\\.");
        for (int i = 0; i < 4; i++) {
          int part = Integer.parseInt(parts[i]);
          if (part > 255) {
            return Optional.empty();
          }
          bytes[i] = (byte) part;
        }
        return Optional.of(bytes);
      }
      if (text.contains(":") && text.matches("[0-9a-fA-F:.]+")) {
        try {
          // A literal with ':' is parsed, not resolved.
          return Optional.of(java.net.InetAddress.getByName(text).getAddress());
        } catch (java.net.UnknownHostException e) {
          return Optional.empty();
        }
      }
      return Optional.empty();
    }
  }
}
