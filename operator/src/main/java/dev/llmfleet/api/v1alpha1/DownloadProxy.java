package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * The proxies of a Download's pods, as HTTPS_PROXY, HTTP_PROXY and NO_PROXY in their environment;
 * each field set here replaces the operator's default for that variable. Credentials are refused
 * here: a proxy URL with a password is a secret, given through spec.secrets (name HTTPS_PROXY)
 * instead.
 */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DownloadProxy {

  static final String NO_CREDENTIALS_RULE = "!self.contains('@')";
  static final String NO_CREDENTIALS_MESSAGE =
      "a proxy URL with credentials is a secret: put the whole URL in a "
          + "Secret and name it in spec.secrets (name HTTPS_PROXY or HTTP_PROXY, secretKeyRef) instead";
  static final String URL_RULE = "self.matches('^(https?://)?[^/\\\\s]+/?$')";
  static final String URL_MESSAGE =
      "must be [http://]host[:port], for example http://proxy.corp:3128";

  @JsonPropertyDescription(
      "Proxy for https:// URLs (HTTPS_PROXY), [http://]host[:port], for example "
          + "http://proxy.corp:3128; the downloader tunnels through it with CONNECT, so the proxy never sees requests or "
          + "tokens. Without credentials: give a URL with user:password through spec.secrets as HTTPS_PROXY.")
  @Size(max = 2048)
  @ValidationRule(value = NO_CREDENTIALS_RULE, message = NO_CREDENTIALS_MESSAGE)
  @ValidationRule(value = URL_RULE, message = URL_MESSAGE)
  private String httpsProxy;

  @JsonPropertyDescription(
      "Proxy for http:// URLs (HTTP_PROXY), [http://]host[:port]; such requests are sent to "
          + "it in clear, as plain HTTP always is.")
  @Size(max = 2048)
  @ValidationRule(value = NO_CREDENTIALS_RULE, message = NO_CREDENTIALS_MESSAGE)
  @ValidationRule(value = URL_RULE, message = URL_MESSAGE)
  private String httpProxy;

  @JsonPropertyDescription(
      "Hosts reached directly (NO_PROXY): a comma-separated list of host names, which also "
          + "match every host under them (example.com and .example.com both match a.example.com), IP addresses, CIDR "
          + "ranges (10.0.0.0/8), each optionally with :port; * alone for every host. Loopback is not implied.")
  @Size(max = 4096)
  private String noProxy;
}
