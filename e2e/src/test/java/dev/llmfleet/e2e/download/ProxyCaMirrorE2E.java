package dev.llmfleet.e2e.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.HuggingFaceSource;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.e2e.origin.TestOrigin;
import dev.llmfleet.e2e.origin.TlsFront;
import dev.llmfleet.e2e.support.DownloaderProcess;
import dev.llmfleet.e2e.support.FileDigests;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downloader where enterprise users are: a Hub mirror under a path prefix, with a certificate
 * from a private CA, reached through a real proxy (Debian's tinyproxy, on loopback, with its own
 * config). The downloader runs as a child process, as in {@link DownloaderE2E}.
 */
@ExtendWith(LlmFleetExtension.class)
class ProxyCaMirrorE2E {

  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final String TOKEN = "hf_e2eProxyTokenValue0815";
  private static final String PREFIX = "/api/huggingface/hf-remote";
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

  private final TestNamespace namespace;
  private final TestOrigin origin = TestOrigin.start();
  private final List<AutoCloseable> closing = new ArrayList<>();
  @TempDir Path root;
  @TempDir Path work;

  ProxyCaMirrorE2E(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    origin.close();
  }

  @Test
  void aMirrorSignedByAPrivateCaFailsClearlyWithoutTheBundleAndSucceedsWithIt() throws Exception {
    origin.addRepo("acme/mirrored", Optional.empty(), MIB, files());
    TlsFront mirror = TlsFront.start(origin, PREFIX, Files.createDirectory(work.resolve("tls")));
    closing.add(mirror);
    DownloadSource source = hub("acme/mirrored", mirror.url() + "/");

    create("no-bundle", source);
    DownloaderProcess untrusted = start("no-bundle", Map.of());
    assertThat(untrusted.waitFor(RUN_TIMEOUT)).isNotZero();
    DownloadProgress failed = progress("no-bundle");
    assertThat(failed.getFailure().getReason()).isEqualTo("TlsUntrusted");
    assertThat(failed.getFailure().getMessage())
        .contains("127.0.0.1:" + mirror.port(), "not signed by a trusted CA", "spec.caBundle");
    assertThat(untrusted.stderr()).contains("TlsUntrusted");
    assertThat(untrusted.stdout()).doesNotContain("retry");

    create("with-bundle", source);
    DownloaderProcess trusted =
        start("with-bundle", Map.of("LLMFLEET_CA_BUNDLE", mirror.caCertificate().toString()));
    assertThat(trusted.waitFor(RUN_TIMEOUT)).as(trusted.output()).isZero();
    assertVerified("with-bundle", "acme/mirrored");
    assertThat(origin.requests()).contains("GET /api/models/acme/mirrored/revision/main");
    assertThat(origin.requests()).anyMatch(r -> r.startsWith("GET /acme/mirrored/resolve/"));
  }

  @Test
  void throughTinyproxyHttpsIsTunnelledAndTheTokenNeverCrossesInClear() throws Exception {
    origin.addRepo("acme/gated", Optional.of(TOKEN), MIB, files());
    TlsFront hub = TlsFront.start(origin, PREFIX, Files.createDirectory(work.resolve("tls")));
    closing.add(hub);
    Tinyproxy tinyproxy = Tinyproxy.start(Files.createDirectory(work.resolve("tinyproxy")));
    closing.add(tinyproxy);
    Recorder recorder = Recorder.start(tinyproxy.port());
    closing.add(recorder);

    create("proxied", hub("acme/gated", hub.url()));
    String proxy = "http://127.0.0.1:" + recorder.port();
    DownloaderProcess downloader =
        start(
            "proxied",
            Map.of(
                "HF_TOKEN",
                TOKEN,
                "https_proxy",
                proxy,
                "HTTP_PROXY",
                proxy,
                "LLMFLEET_CA_BUNDLE",
                hub.caCertificate().toString()));
    assertThat(downloader.waitFor(RUN_TIMEOUT)).as(downloader.output()).isZero();

    assertVerified("proxied", "acme/gated");
    String log = tinyproxy.log();
    System.out.println("tinyproxy log:\n" + log);
    assertThat(log).as("the Hub over https, tunnelled").contains("CONNECT 127.0.0.1:" + hub.port());
    assertThat(log)
        .as("the CDN over plain http, proxied")
        .containsPattern("GET http://127\\.0\\.0\\.1:\\d+/acme/gated/");
    assertThat(log).doesNotContain(TOKEN);
    assertThat(recorder.received())
        .as("bytes the proxy received")
        .contains("CONNECT 127.0.0.1:" + hub.port())
        .doesNotContain(TOKEN)
        .doesNotContain("Bearer");
    assertThat(hub.authorizations())
        .as("the token reached the Hub, inside the tunnel")
        .anyMatch(a -> a.endsWith("Bearer " + TOKEN));
    assertThat(origin.cdnAuthorizations()).isEmpty();
    assertThat(downloader.stdout()).contains("proxy for https: 127.0.0.1:" + recorder.port());
    assertThat(downloader.stdout() + downloader.stderr()).doesNotContain(TOKEN);
  }

  private static Map<String, Long> files() {
    Map<String, Long> files = new LinkedHashMap<>();
    files.put("config.json", 700L);
    files.put("model.safetensors", 2 * MIB + 11);
    return files;
  }

  private void assertVerified(String name, String repo) throws IOException {
    for (String path : files().keySet()) {
      assertThat(FileDigests.sha256(root.resolve(name + "/" + path)))
          .as(path)
          .isEqualTo(origin.sha256(repo + "/" + path));
    }
    assertThat(progress(name).getVerified()).isTrue();
  }

  private static DownloadSource hub(String repo, String endpoint) {
    return DownloadSource.builder()
        .huggingFace(
            HuggingFaceSource.builder().repo(repo).revision("main").endpoint(endpoint).build())
        .build();
  }

  private void create(String name, DownloadSource source) {
    Download download = new Download();
    download.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(namespace.name()).build());
    download.setSpec(
        DownloadSpec.builder()
            .source(source)
            .storage(Storage.builder().existingClaim("models").build())
            .build());
    namespace.client().resource(download).create();
  }

  private DownloaderProcess start(String name, Map<String, String> env) {
    DownloaderProcess process = DownloaderProcess.start(namespace, name, root, env);
    closing.add(process);
    return process;
  }

  private DownloadProgress progress(String name) {
    return namespace.get(name, Download.class).getStatus().getProgress();
  }

  /**
   * tinyproxy on loopback with its own config and log in a temporary folder, not the system
   * service.
   */
  static final class Tinyproxy implements AutoCloseable {
    private final Process process;
    private final Path logFile;
    private final int port;

    private Tinyproxy(Process process, Path logFile, int port) {
      this.process = process;
      this.logFile = logFile;
      this.port = port;
    }

    static Tinyproxy start(Path dir) throws Exception {
      if (!Files.isExecutable(Path.of("/usr/bin/tinyproxy"))) {
        int installed =
            new ProcessBuilder("apt-get", "install", "-y", "-qq", "tinyproxy")
                .inheritIO()
                .start()
                .waitFor();
        assertThat(installed).as("apt-get install -y tinyproxy").isZero();
      }
      int port;
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      Path log = dir.resolve("tinyproxy.log");
      Files.writeString(
          dir.resolve("tinyproxy.conf"),
          "Port "
              + port
              + "\nListen 127.0.0.1\nTimeout 60\n"
              + "LogLevel Info\nMaxClients 50\nAllow 127.0.0.1\n");
      Process process =
          new ProcessBuilder("tinyproxy", "-d", "-c", dir.resolve("tinyproxy.conf").toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      int listening = port;
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try (Socket s = new Socket("127.0.0.1", listening)) {
                  return true;
                } catch (IOException e) {
                  return false;
                }
              });
      return new Tinyproxy(process, log, port);
    }

    int port() {
      return port;
    }

    String log() throws IOException {
      return Files.readString(logFile);
    }

    @Override
    public void close() {
      process.destroy();
    }
  }

  /**
   * A TCP relay in front of the proxy that keeps every byte the client sent: what the proxy saw.
   */
  static final class Recorder implements AutoCloseable {
    private final ServerSocket server;
    private final StringBuffer received = new StringBuffer();

    private Recorder(ServerSocket server, int target) {
      this.server = server;
      Thread accept =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket client = server.accept();
                    Socket upstream = new Socket("127.0.0.1", target);
                    pump(client, upstream, true);
                    pump(upstream, client, false);
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "recorder");
      accept.setDaemon(true);
      accept.start();
    }

    static Recorder start(int target) throws IOException {
      return new Recorder(
          new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()), target);
    }

    int port() {
      return server.getLocalPort();
    }

    String received() {
      return received.toString();
    }

    private void pump(Socket from, Socket to, boolean record) {
      Thread thread =
          new Thread(
              () -> {
                byte[] buffer = new byte[64 * 1024];
                try (from;
                    to) {
                  for (int n; (n = from.getInputStream().read(buffer)) >= 0; ) {
                    if (record) {
                      received.append(
                          new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
                    }
                    to.getOutputStream().write(buffer, 0, n);
                  }
                } catch (IOException e) {
                  // One side closed: the other goes with it.
                }
              },
              "recorder-pump");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
