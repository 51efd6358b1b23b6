package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxiesTest {

  private static Optional<String> proxyFor(Map<String, String> env, String url) {
    return Proxies.fromEnvironment(env).forUri(URI.create(url)).map(s -> s.host() + ":" + s.port());
  }

  private static boolean bypassed(String noProxy, String url) {
    return Proxies.fromEnvironment(
            Map.of("HTTPS_PROXY", "proxy:3128", "HTTP_PROXY", "proxy:3128", "NO_PROXY", noProxy))
        .forUri(URI.create(url))
        .isEmpty();
  }

  @Test
  void eachSchemeHasItsOwnVariableAndNoneMeansDirect() {
    Map<String, String> env =
        Map.of("HTTPS_PROXY", "http://secure:3128", "HTTP_PROXY", "plain:8080");
    assertThat(proxyFor(env, "https://huggingface.co/api")).contains("secure:3128");
    assertThat(proxyFor(env, "http://cdn.example/x")).contains("plain:8080");
    assertThat(proxyFor(Map.of("HTTPS_PROXY", "secure:3128"), "http://cdn.example/x")).isEmpty();
    assertThat(proxyFor(Map.of(), "https://huggingface.co")).isEmpty();
    assertThat(Proxies.fromEnvironment(Map.of()).describe()).isEqualTo("no proxy");
  }

  @Test
  void lowerCaseWinsOverUpperCaseAndDefaultPortsFollowTheProxyScheme() {
    Map<String, String> env =
        Map.of(
            "https_proxy",
            "http://lower:1",
            "HTTPS_PROXY",
            "http://upper:2",
            "http_proxy",
            "http://p",
            "no_proxy",
            "internal",
            "NO_PROXY",
            "");
    assertThat(proxyFor(env, "https://hf.co")).contains("lower:1");
    assertThat(proxyFor(env, "http://hf.co")).contains("p:80");
    assertThat(proxyFor(env, "http://internal/x")).isEmpty();
    assertThat(proxyFor(Map.of("HTTPS_PROXY", "https://tls-proxy"), "https://hf.co"))
        .contains("tls-proxy:443");
    assertThat(proxyFor(Map.of("HTTPS_PROXY", "  "), "https://hf.co")).isEmpty();
  }

  @Test
  void noProxyMatchesHostsAndDomainSuffixesWithOrWithoutALeadingDot() {
    assertThat(bypassed("example.com", "https://example.com/a")).isTrue();
    assertThat(bypassed("example.com", "https://a.b.example.com/a")).isTrue();
    assertThat(bypassed(".example.com", "https://a.example.com/a")).isTrue();
    assertThat(bypassed(".example.com", "https://example.com/a")).isTrue();
    assertThat(bypassed("*.example.com", "https://a.example.com/a")).isTrue();
    assertThat(bypassed("example.com", "https://badexample.com/a")).isFalse();
    assertThat(bypassed("example.com", "https://example.com.evil/a")).isFalse();
    assertThat(bypassed("EXAMPLE.com", "https://Mirror.Example.COM/a")).isTrue();
    assertThat(bypassed("a.internal, b.internal  c.internal", "https://c.internal/")).isTrue();
    assertThat(bypassed("a.internal,,b.internal", "https://b.internal/")).isTrue();
    assertThat(bypassed("", "https://example.com/")).isFalse();
  }

  @Test
  void aStarAloneBypassesEverything() {
    assertThat(bypassed("*", "https://huggingface.co/")).isTrue();
    assertThat(bypassed("other, *", "http://10.1.2.3/")).isTrue();
  }

  @Test
  void noProxyMatchesIpAddressesAndRangesLiterally() {
    assertThat(bypassed("10.0.0.5", "http://10.0.0.5:8080/x")).isTrue();
    assertThat(bypassed("10.0.0.5", "http://10.0.0.50/x")).isFalse();
    assertThat(bypassed("10.0.0.0/8", "http://10.200.3.4/x")).isTrue();
    assertThat(bypassed("10.0.0.0/8", "http://11.0.0.1/x")).isFalse();
    assertThat(bypassed("192.168.1.0/24", "https://192.168.1.77/")).isTrue();
    assertThat(bypassed("::1", "http://[::1]:8080/x")).isTrue();
    assertThat(bypassed("fd00::/8", "http://[fd12::1]/x")).isTrue();
    assertThat(bypassed("fd00::/8", "http://[fe80::1]/x")).isFalse();
    assertThat(bypassed("127.0.0.1", "http://localhost/x")).as("names are not resolved").isFalse();
  }

  @Test
  void anEntryWithAPortMatchesThatPortOnly() {
    assertThat(bypassed("mirror.internal:8443", "https://mirror.internal:8443/x")).isTrue();
    assertThat(bypassed("mirror.internal:8443", "https://mirror.internal/x")).isFalse();
    assertThat(bypassed("mirror.internal:443", "https://mirror.internal/x")).isTrue();
    assertThat(bypassed("[::1]:8080", "http://[::1]:8080/x")).isTrue();
    assertThat(bypassed("[::1]:8080", "http://[::1]:9090/x")).isFalse();
  }

  @Test
  void loopbackIsProxiedUnlessListed() {
    assertThat(bypassed("", "http://127.0.0.1:8080/x")).isFalse();
    assertThat(bypassed("localhost,127.0.0.1", "http://127.0.0.1:8080/x")).isTrue();
  }

  @Test
  void credentialsAreParsedButNeverShown() {
    Proxies.Server server = Proxies.parse("HTTPS_PROXY", "http://us%40r:p%3Ass@proxy.corp:3128");
    assertThat(server.host()).isEqualTo("proxy.corp");
    assertThat(server.port()).isEqualTo(3128);
    assertThat(server.credentials().get().getUserName()).isEqualTo("us@r");
    assertThat(new String(server.credentials().get().getPassword())).isEqualTo("p:ss");
    assertThat(server.toString()).isEqualTo("proxy.corp:3128 (with credentials)");
    Proxies proxies =
        Proxies.fromEnvironment(Map.of("HTTPS_PROXY", "http://user:s3cret@proxy.corp:3128"));
    assertThat(proxies.describe())
        .doesNotContain("s3cret")
        .doesNotContain("user")
        .contains("proxy.corp:3128");
  }

  @Test
  void aBadProxyUrlNamesTheVariableWithoutTheCredentials() {
    assertThatThrownBy(
            () -> Proxies.fromEnvironment(Map.of("HTTPS_PROXY", "socks5://user:s3cret@proxy:1080")))
        .hasMessageContaining("HTTPS_PROXY")
        .hasMessageNotContaining("s3cret")
        .hasMessageContaining("socks5://****@proxy:1080");
  }

  @Test
  void maskHidesTheUserinfoOfEveryUrl() {
    assertThat(Proxies.mask("HTTPS_PROXY=http://user:pass@proxy:3128 and https://a:b@c/d"))
        .isEqualTo("HTTPS_PROXY=http://****@proxy:3128 and https://****@c/d");
    assertThat(Proxies.mask("http://proxy:3128")).isEqualTo("http://proxy:3128");
  }

  @Test
  void throughAPlainHttpProxyTheTokenGoesWithRequestsToItsOriginOnly() throws Exception {
    // RangeServer plays the proxy: it answers the absolute-form requests a client sends to an
    // HTTP proxy, so both "hosts" below are reached through it only.
    try (RangeServer proxy = new RangeServer().serve("/blob", new byte[] {7})) {
      proxy.redirect("/org/repo/resolve/main/a", URI.create("http://cdn.invalid/blob"));
      Proxies proxies = Proxies.fromEnvironment(Map.of("http_proxy", proxy.url("").toString()));
      Http http =
          new Http(
              Duration.ofSeconds(2),
              Duration.ofSeconds(2),
              Optional.of(new Http.Token(URI.create("http://hub.invalid"), "hf_secret")),
              proxies,
              Optional.empty());

      try (Http.Response response =
          http.get(URI.create("http://hub.invalid/org/repo/resolve/main/a"), 0)) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().readAllBytes()).containsExactly(7);
      }
      assertThat(proxy.authorizations)
          .containsExactly("/org/repo/resolve/main/a Bearer hf_secret", "/blob null");
    }
  }
}
