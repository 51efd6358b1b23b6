package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ProtocolException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpTest {

  private final RangeServer hub = new RangeServer();
  private final RangeServer cdn = new RangeServer().serve("/blob", new byte[] {1, 2, 3});

  HttpTest() throws Exception {}

  @AfterEach
  void stop() {
    hub.close();
    cdn.close();
  }

  @Test
  void theTokenFollowsRedirectsOnItsOriginButNeverToAnother() throws Exception {
    hub.redirect("/org/repo/resolve/main/a", hub.url("/org/repo/resolve/sha/a"));
    hub.redirect("/org/repo/resolve/sha/a", cdn.url("/blob"));
    Http http =
        new Http(
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Optional.of(new Http.Token(hub.url(""), "hf_secret")));

    try (Http.Response response = http.get(hub.url("/org/repo/resolve/main/a"), 0)) {
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body().readAllBytes()).containsExactly(1, 2, 3);
    }
    assertThat(hub.authorizations)
        .containsExactly(
            "/org/repo/resolve/main/a Bearer hf_secret",
            "/org/repo/resolve/sha/a Bearer hf_secret");
    assertThat(cdn.authorizations).containsExactly("/blob null");
  }

  @Test
  void anotherPortIsAnotherOrigin() {
    assertThat(Http.sameOrigin(URI.create("http://h:80/a"), URI.create("http://H/b"))).isTrue();
    assertThat(Http.sameOrigin(URI.create("http://h/a"), URI.create("http://h:8080/a"))).isFalse();
    assertThat(Http.sameOrigin(URI.create("https://h/a"), URI.create("http://h/a"))).isFalse();
  }

  @Test
  void followsAtMostFiveRedirects() {
    for (int i = 0; i < 6; i++) {
      hub.redirect("/r" + i, hub.url("/r" + (i + 1)));
    }
    Http http = new Http(Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty());

    assertThatThrownBy(() -> http.get(hub.url("/r0"), 0))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("more than 5 redirects");
  }

  @Test
  void aTokenNeverShowsInItsDescription() {
    assertThat(new Http.Token(URI.create("https://huggingface.co"), "hf_secret").toString())
        .doesNotContain("hf_secret");
  }

  @Test
  void urlsInMessagesHaveNoQueryString() {
    assertThat(Http.show(URI.create("https://cdn.example/a/b.bin?X-Amz-Signature=abc")))
        .isEqualTo("https://cdn.example/a/b.bin");
  }
}
