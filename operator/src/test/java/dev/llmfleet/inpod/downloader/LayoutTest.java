package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LayoutTest {

  @TempDir Path root;

  @Test
  void filesGoUnderTheSubPath() throws Failure {
    LocalFile file = Layout.of(root, "qwen").inspect(remote("sub/model.safetensors", 10));

    assertThat(file.target()).isEqualTo(root.resolve("qwen/sub/model.safetensors"));
    assertThat(file.part()).isEqualTo(root.resolve("qwen/sub/model.safetensors.part"));
    assertThat(file.onDisk()).isZero();
    assertThat(file.complete()).isFalse();
  }

  @Test
  void aFileUnderItsFinalNameIsCompleteOnlyWhenTheManifestVouchesForIt() throws Exception {
    Files.createDirectories(root.resolve("qwen"));
    Files.write(root.resolve("qwen/a.bin"), new byte[10]);
    Layout layout = Layout.of(root, "qwen");

    assertThat(layout.inspect(remote("a.bin", 10)).complete()).isFalse();
    Manifest manifest = Manifest.open(root.resolve("qwen"));
    manifest.verified(remote("a.bin", 10), root.resolve("qwen/a.bin"));
    assertThat(layout.inspect(remote("a.bin", 10), manifest).complete()).isTrue();
    assertThat(layout.inspect(remote("a.bin", 11), manifest).complete()).isFalse();
    assertThat(Manifest.open(root.resolve("qwen")).files())
        .singleElement()
        .satisfies(f -> assertThat(f.url()).isEqualTo("http://x/y"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ' ',
      value = {
        "x.bin x.bin.part",
        "Config.json config.json",
        "a a/b.json",
        "x x",
        "sub/.llmfleet-manifest.jsonl ok"
      })
  void refusesListingsWhoseFilesWouldShareAPlace(String first, String second) {
    assertThatThrownBy(() -> Layout.refuseCollisions(List.of(remote(first, 1), remote(second, 1))))
        .isInstanceOfSatisfying(
            Failure.class,
            f -> {
              assertThat(f.reason()).isEqualTo(Failure.UNSAFE_PATH);
              assertThat(f.getMessage()).contains("would share a place on disk");
            });
  }

  @Test
  void countsThePartBytesUnlessThePartIsTooLong() throws Exception {
    Files.createDirectories(root.resolve("qwen"));
    Files.write(root.resolve("qwen/a.bin.part"), new byte[6]);

    assertThat(Layout.of(root, "qwen").inspect(remote("a.bin", 10)).onDisk()).isEqualTo(6);
    assertThat(Layout.of(root, "qwen").inspect(remote("a.bin", 5)).onDisk()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"../escape", "a/../../escape", "/etc/passwd", "a//b", "./a", "a/.", "", "a/"})
  void refusesPathsThatCouldLeaveTheFolder(String path) {
    assertThatThrownBy(() -> Layout.of(root, "qwen").inspect(remote(path, 1)))
        .isInstanceOfSatisfying(
            Failure.class, f -> assertThat(f.reason()).isEqualTo(Failure.UNSAFE_PATH));
  }

  @Test
  void acceptsDotsInsideNames() throws Failure {
    assertThat(Layout.of(root, "q").inspect(remote(".gitattributes", 1)).target())
        .isEqualTo(root.resolve("q/.gitattributes"));
    assertThat(Layout.of(root, "q").inspect(remote("a..b/c...d", 1)).target())
        .isEqualTo(root.resolve("q/a..b/c...d"));
  }

  private static RemoteFile remote(String path, long size) {
    return new RemoteFile(path, size, URI.create("http://x/y"), Optional.empty());
  }
}
