package dev.llmfleet.e2e.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link TestOrigin} serving a real file from disk, plainly and in a Hub repository. */
class TestOriginTest {

  private static final int SIZE = 300_000;

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private TestOrigin origin;
  private Path file;
  private byte[] bytes;

  @BeforeEach
  void setUp(@TempDir Path dir) throws IOException {
    origin = TestOrigin.start();
    bytes = new byte[SIZE];
    new Random(42).nextBytes(bytes);
    file = Files.write(dir.resolve("model.gguf"), bytes);
  }

  @AfterEach
  void tearDown() {
    origin.close();
  }

  @Test
  void servesARealFileWholeByRangeAndHead() throws Exception {
    String url = origin.addFile("model.gguf", file);
    assertThat(url).isEqualTo(origin.url() + "/files/model.gguf").startsWith("http://127.0.0.1:");
    assertThat(origin.sha256("model.gguf")).isEqualTo(sha256(bytes));

    HttpResponse<byte[]> whole = get(url, null);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(bytes);
    assertThat(whole.headers().firstValue("Content-Length")).hasValue(String.valueOf(SIZE));
    assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    assertSent("model.gguf", SIZE);

    // Across a 64 KiB slice boundary, from an odd offset.
    HttpResponse<byte[]> middle = get(url, "bytes=65000-140000");
    assertThat(middle.statusCode()).isEqualTo(206);
    assertThat(middle.headers().firstValue("Content-Range")).hasValue("bytes 65000-140000/" + SIZE);
    assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(bytes, 65000, 140001));

    HttpResponse<byte[]> tail = get(url, "bytes=299990-");
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.headers().firstValue("Content-Range")).hasValue("bytes 299990-299999/" + SIZE);
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(bytes, 299990, SIZE));
    assertSent("model.gguf", SIZE + 75001 + 10);

    HttpResponse<byte[]> beyond = get(url, "bytes=" + SIZE + "-");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */" + SIZE);

    HttpResponse<Void> head =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(SIZE));
    assertSent("model.gguf", SIZE + 75001 + 10);
    assertThat(origin.requests())
        .contains(
            "GET /files/model.gguf",
            "GET /files/model.gguf bytes=65000-140000",
            "HEAD /files/model.gguf");
  }

  @Test
  void knobsApplyToARealFile() throws Exception {
    String url = origin.addFile("model.gguf", file);
    origin.failNext(1);
    assertThat(get(url, null).statusCode()).isEqualTo(503);
    origin.cutNext(1, 1000);
    assertThat(get(url, null)).isNull();
    assertSent("model.gguf", 1000);
    assertThat(get(url, "bytes=1000-").body()).isEqualTo(Arrays.copyOfRange(bytes, 1000, SIZE));
  }

  @Test
  void listsAndServesAHubRepositoryHoldingARealFile() throws Exception {
    origin.addRepo(
        "acme/tiny-gguf",
        Optional.empty(),
        100_000,
        TestOrigin.RepoFiles.of().generated("config.json", 700).file("model.gguf", file));
    String sha256 = sha256(bytes);
    assertThat(origin.sha256("acme/tiny-gguf/model.gguf")).isEqualTo(sha256);

    HttpResponse<byte[]> listing =
        get(origin.url() + "/api/models/acme/tiny-gguf/revision/main", null);
    assertThat(listing.statusCode()).isEqualTo(200);
    JsonNode siblings = new ObjectMapper().readTree(listing.body()).get("siblings");
    assertThat(siblings).hasSize(2);
    assertThat(siblings.get(0).get("rfilename").asText()).isEqualTo("config.json");
    assertThat(siblings.get(0).get("size").asLong()).isEqualTo(700);
    assertThat(siblings.get(0).has("lfs")).isFalse();
    JsonNode model = siblings.get(1);
    assertThat(model.get("rfilename").asText()).isEqualTo("model.gguf");
    assertThat(model.get("lfs").get("sha256").asText()).isEqualTo(sha256);
    assertThat(model.get("lfs").get("size").asLong()).isEqualTo(SIZE);

    HttpResponse<byte[]> redirect =
        get(origin.url() + "/acme/tiny-gguf/resolve/main/model.gguf", null);
    assertThat(redirect.statusCode()).isEqualTo(302);
    String location = redirect.headers().firstValue("Location").orElseThrow();
    assertThat(location)
        .startsWith("http://127.0.0.1:")
        .endsWith("/acme/tiny-gguf/model.gguf")
        .doesNotStartWith(origin.url() + "/");
    assertThat(get(location, null).body()).isEqualTo(bytes);
    HttpResponse<byte[]> ranged = get(location, "bytes=10-19");
    assertThat(ranged.statusCode()).isEqualTo(206);
    assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(bytes, 10, 20));
    assertSent("acme/tiny-gguf/model.gguf", SIZE + 10);
  }

  @Test
  void answersAsHuggingfaceHubReadsIt() throws Exception {
    origin.addRepo(
        "acme/tiny-gguf",
        Optional.empty(),
        100_000,
        TestOrigin.RepoFiles.of().generated("config.json", 700).file("model.gguf", file));
    JsonNode tree =
        new ObjectMapper()
            .readTree(
                get(origin.url() + "/api/models/acme/tiny-gguf/tree/main?recursive=true", null)
                    .body());
    assertThat(tree).hasSize(2);
    assertThat(tree.get(0).get("path").asText()).isEqualTo("config.json");
    assertThat(tree.get(0).get("oid").asText())
        .isEqualTo(origin.gitBlobId("acme/tiny-gguf/config.json"));
    assertThat(tree.get(1).get("type").asText()).isEqualTo("file");
    assertThat(tree.get(1).get("size").asLong()).isEqualTo(SIZE);
    assertThat(tree.get(1).get("lfs").get("oid").asText()).isEqualTo(sha256(bytes));

    HttpResponse<byte[]> redirect =
        get(origin.url() + "/acme/tiny-gguf/resolve/main/model.gguf", null);
    assertThat(redirect.headers().firstValue("X-Repo-Commit")).isPresent();
    assertThat(redirect.headers().firstValue("X-Linked-Etag"))
        .hasValue("\"" + sha256(bytes) + "\"");
    assertThat(redirect.headers().firstValue("X-Linked-Size")).hasValue(String.valueOf(SIZE));
    HttpResponse<byte[]> config =
        get(origin.url() + "/acme/tiny-gguf/resolve/main/config.json", null);
    assertThat(config.headers().firstValue("ETag"))
        .hasValue("\"" + origin.gitBlobId("acme/tiny-gguf/config.json") + "\"");
  }

  @Test
  void delaysEveryFirstByteAndTellsOfEachRequest() throws Exception {
    String url = origin.addFile("model.gguf", file);
    List<String> seen = new CopyOnWriteArrayList<>();
    origin.onRequest(seen::add);
    origin.firstByteDelay(200);
    long started = System.nanoTime();
    assertThat(get(url, "bytes=0-9").statusCode()).isEqualTo(206);
    assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(200_000_000L);
    assertThat(seen).containsExactly("GET /files/model.gguf bytes=0-9");
  }

  @Test
  void aRealFileBelowTheLfsThresholdIsListedWithItsBlobId() throws Exception {
    Path small = Files.writeString(file.resolveSibling("README.md"), "hello\n");
    origin.addRepo(
        "acme/small",
        Optional.of("secret"),
        100_000,
        TestOrigin.RepoFiles.of().file("README.md", small));
    String listingUrl = origin.url() + "/api/models/acme/small/revision/main";
    assertThat(get(listingUrl, null).statusCode()).isEqualTo(401);

    HttpResponse<byte[]> listing =
        http.send(
            HttpRequest.newBuilder(URI.create(listingUrl))
                .header("Authorization", "Bearer secret")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    JsonNode readme = new ObjectMapper().readTree(listing.body()).get("siblings").get(0);
    // git hash-object of "hello\n".
    assertThat(readme.get("blobId").asText()).isEqualTo("ce013625030ba8dba906f756967f9e9ca394464a");
    assertThat(readme.get("size").asLong()).isEqualTo(6);
    HttpResponse<byte[]> served =
        http.send(
            HttpRequest.newBuilder(URI.create(origin.url() + "/acme/small/resolve/main/README.md"))
                .header("Authorization", "Bearer secret")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(new String(served.body())).isEqualTo("hello\n");
  }

  @Test
  void anEmptyRealFileIsServedEmpty() throws Exception {
    Path empty = Files.createFile(file.resolveSibling("empty"));
    String url = origin.addFile("empty", empty);
    HttpResponse<byte[]> response = get(url, null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("Content-Length")).hasValue("0");
    assertThat(origin.sha256("empty")).isEqualTo(sha256(new byte[0]));
  }

  @Test
  void bindsBothServersToTheGivenAddressAndNamesItInUrls() throws Exception {
    InetAddress address = InetAddress.getByName("127.0.0.2");
    try (TestOrigin bound = TestOrigin.start(address)) {
      assertThat(bound.url()).startsWith("http://127.0.0.2:");
      bound.addRepo("acme/bound", Optional.empty(), 0, Map.of("model.gguf", 5000L));
      HttpResponse<byte[]> redirect =
          get(bound.url() + "/acme/bound/resolve/main/model.gguf", null);
      String location = redirect.headers().firstValue("Location").orElseThrow();
      assertThat(location).startsWith("http://127.0.0.2:");
      assertThat(sha256(get(location, null).body()))
          .isEqualTo(bound.sha256("acme/bound/model.gguf"));
    }
  }

  /** The response, or null when the connection dropped before the body was complete. */
  private HttpResponse<byte[]> get(String url, String range) throws InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (range != null) {
      request.header("Range", range);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return null;
    }
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  /**
   * The origin counts a response's bytes once its handler is done, which can be just after the
   * client has them.
   */
  private void assertSent(String key, long expected) {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(origin.bytesSent(key)).isEqualTo(expected));
  }
}
