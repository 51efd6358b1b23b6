package dev.llmfleet.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmfleet.api.v1alpha1.CaBundle;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadProxy;
import dev.llmfleet.api.v1alpha1.common.ConfigMapKeyRef;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import dev.llmfleet.config.ConfigException;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Proxies and the CA bundle of download pods: operator defaults, spec.proxy, spec.caBundle,
 * spec.secrets.
 */
class DownloadNetworkTest {

  private static final OperatorConfig DEFAULTS =
      OperatorConfig.fromEnvironment(
          Map.of(
              "LLMFLEET_IMAGE", "llmfleet:test",
              "LLMFLEET_DOWNLOAD_HTTPS_PROXY", "http://proxy.corp:3128",
              "LLMFLEET_DOWNLOAD_HTTP_PROXY", "proxy.corp:3128",
              "LLMFLEET_DOWNLOAD_NO_PROXY", ".svc,.cluster.local,10.0.0.0/8",
              "LLMFLEET_DOWNLOAD_CA_CONFIGMAP", "corp-ca/ca.crt"));

  private static PodSpec pod(Download download, OperatorConfig config) {
    return DownloadResources.job(download, 1, config).getSpec().getTemplate().getSpec();
  }

  private static Map<String, String> plainEnv(PodSpec pod) {
    return pod.getContainers().get(0).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void withoutConfigurationThereIsNoProxyAndNoBundle() {
    PodSpec pod = pod(DownloadRunsTest.download(), DownloadResourcesTest.CONFIG);
    assertThat(plainEnv(pod))
        .doesNotContainKeys("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "LLMFLEET_CA_BUNDLE");
    assertThat(pod.getVolumes()).noneMatch(v -> v.getName().equals("ca-bundle"));
  }

  @Test
  void theOperatorsDefaultsReachEveryDownloadPod() {
    PodSpec pod = pod(DownloadRunsTest.download(), DEFAULTS);
    assertThat(plainEnv(pod))
        .containsEntry("HTTPS_PROXY", "http://proxy.corp:3128")
        .containsEntry("HTTP_PROXY", "proxy.corp:3128")
        .containsEntry("NO_PROXY", ".svc,.cluster.local,10.0.0.0/8")
        .containsEntry("LLMFLEET_CA_BUNDLE", "/etc/llmfleet/ca/ca.crt");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("ca-bundle"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getConfigMap().getName()).isEqualTo("corp-ca");
              assertThat(v.getConfigMap().getItems().get(0).getKey()).isEqualTo("ca.crt");
              assertThat(v.getConfigMap().getItems().get(0).getPath()).isEqualTo("ca.crt");
            });
    Container container = pod.getContainers().get(0);
    assertThat(container.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("ca-bundle");
              assertThat(m.getMountPath()).isEqualTo("/etc/llmfleet/ca");
              assertThat(m.getReadOnly()).isTrue();
            });
  }

  @Test
  void theDownloadsOwnSettingsWinFieldByField() {
    Download download = DownloadRunsTest.download();
    download
        .getSpec()
        .setProxy(
            DownloadProxy.builder().httpsProxy("http://team-proxy:8080").noProxy("*").build());
    download
        .getSpec()
        .setCaBundle(
            CaBundle.builder().secretKeyRef(new SecretKeyRef("team-ca", "bundle.pem")).build());
    PodSpec pod = pod(download, DEFAULTS);

    assertThat(plainEnv(pod))
        .containsEntry("HTTPS_PROXY", "http://team-proxy:8080")
        .containsEntry("HTTP_PROXY", "proxy.corp:3128")
        .containsEntry("NO_PROXY", "*");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("ca-bundle"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("team-ca");
              assertThat(v.getSecret().getItems().get(0).getKey()).isEqualTo("bundle.pem");
            });

    download
        .getSpec()
        .setCaBundle(
            CaBundle.builder().configMapKeyRef(new ConfigMapKeyRef("other", "ca.pem")).build());
    assertThat(pod(download, DEFAULTS).getVolumes())
        .filteredOn(v -> v.getName().equals("ca-bundle"))
        .singleElement()
        .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("other"));
  }

  @Test
  void aProxyFromSpecSecretsReplacesThePlainValue() {
    Download download = DownloadRunsTest.download();
    download
        .getSpec()
        .setSecrets(
            List.of(
                SecretEnv.builder()
                    .name("HTTPS_PROXY")
                    .secretKeyRef(new SecretKeyRef("proxy", "url"))
                    .build()));
    List<EnvVar> env = pod(download, DEFAULTS).getContainers().get(0).getEnv();

    assertThat(env)
        .filteredOn(e -> e.getName().equals("HTTPS_PROXY"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getValue()).isNull();
              // Synced into the Download's own Secret like every spec.secrets entry, never a value
              // in the pod spec.
              assertThat(e.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo(download.getMetadata().getName() + "-download-env");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("HTTPS_PROXY");
            });
    assertThat(plainEnv(pod(download, DEFAULTS))).containsEntry("HTTP_PROXY", "proxy.corp:3128");
  }

  @Test
  void badOperatorSettingsAreRefusedWithoutShowingCredentials() {
    assertThatThrownBy(
            () ->
                OperatorConfig.fromEnvironment(
                    Map.of(
                        "LLMFLEET_DOWNLOAD_HTTPS_PROXY", "http://user:s3cret@proxy:3128",
                        "LLMFLEET_DOWNLOAD_HTTP_PROXY", "http://proxy:3128/some/path",
                        "LLMFLEET_DOWNLOAD_CA_CONFIGMAP", "corp-ca")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "LLMFLEET_DOWNLOAD_HTTPS_PROXY must not hold credentials (\"http://****@proxy:3128\")")
        .hasMessageContaining("spec.secrets")
        .hasMessageNotContaining("s3cret")
        .hasMessageContaining("LLMFLEET_DOWNLOAD_HTTP_PROXY must be [http://]host[:port]")
        .hasMessageContaining("LLMFLEET_DOWNLOAD_CA_CONFIGMAP must be <configmap>/<key>");
  }
}
