package dev.llmfleet.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = ' ',
      value = {
        "https://user:pass@host.example/a/b.gguf https://host.example/a/b.gguf",
        "https://bucket.s3.example/m.gguf?X-Amz-Credential=AKIA&X-Amz-Signature=abc https://bucket.s3.example/m.gguf",
        "https://u:p@h:8443/x?sig=1#frag https://h:8443/x",
        "https://u:p@h https://h",
        "https://h/a@b/c https://h/a@b/c",
        "https://u:p%40x@h/x https://h/x",
        "http://u:p@[::1/bad|url?token=x http://[::1/bad|url",
        "ollama://llama3.2:1b ollama://llama3.2:1b",
      })
  void urlsLoseUserinfoQueryAndFragment(String url, String shown) {
    assertThat(Urls.redact(url)).isEqualTo(shown);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "GET https://u:secret@h/x?sig=abc answered 403|GET https://h/x answered 403",
        "for URL: http://h/a?X-Amz-Signature=abc\" and https://t:k@i/b.|for URL: http://h/a\" and https://i/b.",
      })
  void textLosesTheCredentialsOfEveryUrlInIt(String text, String shown) {
    assertThat(Urls.redactAll(text)).isEqualTo(shown);
  }
}
