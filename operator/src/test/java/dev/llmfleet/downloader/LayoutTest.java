package dev.llmfleet.downloader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
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
  void aFileUnderItsFinalNameWithTheRightSizeIsComplete() throws Exception {
    Files.createDirectories(root.resolve("qwen"));
    Files.write(root.resolve("qwen/a.bin"), new byte[10]);

    assertThat(Layout.of(root, "qwen").inspect(remote("a.bin", 10)).complete()).isTrue();
    assertThat(Layout.of(root, "qwen").inspect(remote("a.bin", 11)).complete()).isFalse();
  }

  @Test
  void countsThePartBytesUnlessThePartIsTooLong() throws Exception {
    Files.createDirectories(root.resolve("qwen"));
    Files.write(root.resolve("qwen/a.bin.part"), new byte[6]);

    assertThat(Layout.of(root, "qwen").inspect(remote("a.bin", 10)).onDisk()).isEqualTo(6);
    assertThat(Layout.of(root, "qwen").inspect(remote("a.bin", 5)).onDisk()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape", "a/../../escape", "/etc/passwd", "a//b", "./a", "a/.", "", "a/"})
  void refusesPathsThatCouldLeaveTheFolder(String path) {
    assertThatThrownBy(() -> Layout.of(root, "qwen").inspect(remote(path, 1)))
        .isInstanceOfSatisfying(Failure.class,
            f -> assertThat(f.reason()).isEqualTo(Failure.UNSAFE_PATH));
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
