package dev.llmfleet.e2e.origin;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
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

/**
 * The {@link TestOrigin}: a real file from disk, plainly and in a Hub repository, and the knobs
 * tests turn (new versions and commits, redirects, odd listings, throttling).
 */
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

  @Test
  void aNewVersionOfAPlainFileHasOtherBytesAndValidatorsAndHonoursIfRange() throws Exception {
    String url = origin.addFile("model.bin", 100_000);
    HttpResponse<byte[]> first = get(url, null);
    String etag = first.headers().firstValue("ETag").orElseThrow();
    String modified = first.headers().firstValue("Last-Modified").orElseThrow();
    assertThat(etag).isEqualTo("\"model.bin-v1\"").isEqualTo(origin.etag("model.bin"));
    assertThat(modified).isEqualTo("Thu, 01 Jan 2026 00:00:00 GMT");
    HttpResponse<byte[]> sameVersion = get(url, "bytes=1000-", etag);
    assertThat(sameVersion.statusCode()).isEqualTo(206);
    assertThat(sameVersion.body()).isEqualTo(Arrays.copyOfRange(first.body(), 1000, 100_000));
    assertThat(get(url, "bytes=1000-", modified).statusCode()).isEqualTo(206);

    origin.changeFile("model.bin");

    HttpResponse<byte[]> stale = get(url, "bytes=1000-", etag);
    assertThat(stale.statusCode()).as("a range of the old version: all of the new").isEqualTo(200);
    assertThat(stale.body()).hasSize(100_000).isNotEqualTo(first.body());
    assertThat(sha256(stale.body())).isEqualTo(origin.sha256("model.bin"));
    assertThat(stale.headers().firstValue("ETag")).hasValue("\"model.bin-v2\"");
    assertThat(stale.headers().firstValue("Last-Modified"))
        .hasValue("Fri, 02 Jan 2026 00:00:00 GMT");
    assertThat(get(url, "bytes=1000-", origin.etag("model.bin")).statusCode()).isEqualTo(206);
    assertThat(origin.requests())
        .contains("GET /files/model.bin bytes=1000- If-Range \"model.bin-v1\"");
    assertThat(origin.answers())
        .containsExactly(
            "GET /files/model.bin -> 200",
            "GET /files/model.bin bytes=1000- If-Range \"model.bin-v1\" -> 206",
            "GET /files/model.bin bytes=1000- If-Range " + modified + " -> 206",
            "GET /files/model.bin bytes=1000- If-Range \"model.bin-v1\" -> 200",
            "GET /files/model.bin bytes=1000- If-Range \"model.bin-v2\" -> 206");
    assertSent("model.bin", 100_000 + 99_000 + 99_000 + 100_000 + 99_000);
  }

  @Test
  void aNewCommitChangesSomeFilesAndTheOldCommitStillServesItsOwn() throws Exception {
    origin.addRepo(
        "acme/revs",
        Optional.empty(),
        100_000,
        Map.of("config.json", 700L, "a.safetensors", 200_000L, "b.safetensors", 200_000L));
    String old = origin.commit("acme/revs");
    String oldB = origin.sha256("acme/revs/b.safetensors");
    String oldConfig = origin.gitBlobId("acme/revs/config.json");

    String next =
        origin.newCommit("acme/revs", Map.of("b.safetensors", 200_000L, "config.json", 800L));

    assertThat(next).hasSize(40).isNotEqualTo(old).isEqualTo(origin.commit("acme/revs"));
    assertThat(origin.sha256("acme/revs/b.safetensors")).isNotEqualTo(oldB);
    JsonNode atMain = listing("acme/revs", "main");
    assertThat(atMain.get("sha").asText()).isEqualTo(next);
    assertThat(sibling(atMain, "b.safetensors").get("lfs").get("sha256").asText())
        .isEqualTo(origin.sha256("acme/revs/b.safetensors"));
    assertThat(sibling(atMain, "config.json").get("size").asLong()).isEqualTo(800);
    JsonNode atOld = listing("acme/revs", old);
    assertThat(atOld.get("sha").asText()).isEqualTo(old);
    assertThat(sibling(atOld, "b.safetensors").get("lfs").get("sha256").asText()).isEqualTo(oldB);
    assertThat(sibling(atOld, "config.json").get("blobId").asText()).isEqualTo(oldConfig);

    String oldLocation = location("acme/revs/resolve/" + old + "/b.safetensors");
    String newLocation = location("acme/revs/resolve/" + next + "/b.safetensors");
    assertThat(newLocation).isNotEqualTo(oldLocation);
    assertThat(sha256(get(oldLocation, null).body())).isEqualTo(oldB);
    assertThat(sha256(get(newLocation, null).body()))
        .isEqualTo(origin.sha256("acme/revs/b.safetensors"));
    assertThat(location("acme/revs/resolve/" + next + "/a.safetensors"))
        .as("an unchanged file stays where it was")
        .isEqualTo(location("acme/revs/resolve/" + old + "/a.safetensors"));
    assertThat(get(origin.url() + "/acme/revs/resolve/" + next + "/config.json", null).body())
        .hasSize(800);
    assertThat(get(origin.url() + "/acme/revs/resolve/" + old + "/config.json", null).body())
        .hasSize(700);
    assertSent("acme/revs/b.safetensors", 400_000);
    assertThat(
            get(origin.url() + "/api/models/acme/revs/revision/" + "f".repeat(40), null)
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void aPlainFileRedirectsToWhateverLocationItIsGiven() throws Exception {
    String url = origin.redirect("moved.gguf", "http://[::1/x y");
    HttpResponse<byte[]> response = get(url, null);
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location")).hasValue("http://[::1/x y");
    assertThat(origin.answers()).containsExactly("GET /files/moved.gguf -> 302");
  }

  @Test
  void aListingNamesAndSizesFilesAsItIsTold() throws Exception {
    origin.addRepo(
        "acme/odd",
        Optional.empty(),
        100_000,
        TestOrigin.RepoFiles.of()
            .generated("config.json", 700)
            .generated("model.safetensors", 200_000));
    origin.listAs("acme/odd", "config.json", "a\u0000b.json");
    origin.listSize("acme/odd", "config.json", -5);
    origin.listSize("acme/odd", "model.safetensors", new BigInteger("99999999999999999999999"));

    String raw =
        new String(get(origin.url() + "/api/models/acme/odd/revision/main", null).body(), UTF_8);
    assertThat(raw).contains("\"rfilename\":\"a\\u0000b.json\"", "\"size\":-5");
    JsonNode listing = new ObjectMapper().readTree(raw);
    assertThat(sibling(listing, "a\u0000b.json").get("size").asLong()).isEqualTo(-5);
    assertThat(sibling(listing, "model.safetensors").get("lfs").get("size").bigIntegerValue())
        .isEqualTo(new BigInteger("99999999999999999999999"));
    JsonNode tree =
        new ObjectMapper()
            .readTree(get(origin.url() + "/api/models/acme/odd/tree/main", null).body());
    assertThat(tree.get(0).get("path").asText()).isEqualTo("a\u0000b.json");
    assertThat(tree.get(0).get("size").asLong()).isEqualTo(-5);
    assertThat(get(origin.url() + "/acme/odd/resolve/main/config.json", null).body())
        .as("served under its own path, with its own bytes")
        .hasSize(700);
  }

  @Test
  void aLowRateLimitTricklesInsteadOfSendingASliceAtOnce() throws Exception {
    String url = origin.addFile("slow.bin", 64 * 1024);
    origin.rateLimit(2048);
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    long received = 0;
    long deadline = System.nanoTime() + 1_000_000_000L;
    try (InputStream body = response.body()) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = 0; n >= 0 && System.nanoTime() < deadline; n = body.read(buffer)) {
        received += n;
      }
    }
    // About 2 KiB in a second; unthrottled slices of 64 KiB would have brought the whole file.
    assertThat(received).isBetween(256L, 6L * 1024);
  }

  /** The response, or null when the connection dropped before the body was complete. */
  private HttpResponse<byte[]> get(String url, String range) throws InterruptedException {
    return get(url, range, null);
  }

  /** As {@link #get(String, String)}, the range only if the file has this validator. */
  private HttpResponse<byte[]> get(String url, String range, String ifRange)
      throws InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (range != null) {
      request.header("Range", range);
    }
    if (ifRange != null) {
      request.header("If-Range", ifRange);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return null;
    }
  }

  private JsonNode listing(String repo, String revision) throws Exception {
    return new ObjectMapper()
        .readTree(get(origin.url() + "/api/models/" + repo + "/revision/" + revision, null).body());
  }

  private static JsonNode sibling(JsonNode listing, String name) {
    for (JsonNode sibling : listing.get("siblings")) {
      if (sibling.get("rfilename").asText().equals(name)) {
        return sibling;
      }
    }
    throw new AssertionError("no " + name + " in " + listing);
  }

  /** Where the Hub redirects a resolve request, by its path after the origin's URL. */
  private String location(String resolvePath) throws Exception {
    HttpResponse<byte[]> redirect = get(origin.url() + "/" + resolvePath, null);
    assertThat(redirect.statusCode()).isEqualTo(302);
    return redirect.headers().firstValue("Location").orElseThrow();
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
