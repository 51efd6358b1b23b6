package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class ChecksumTest {

  @Test
  void aGitBlobIdIsTheSha1OfTheContentWithItsHeader() {
    // Both values are what `git hash-object` prints.
    assertThat(hash(Checksum.gitBlob("x"), "hello\n"))
        .isEqualTo("ce013625030ba8dba906f756967f9e9ca394464a");
    assertThat(hash(Checksum.gitBlob("x"), ""))
        .isEqualTo("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  }

  @Test
  void sha256IsThePlainHashOfTheContent() {
    assertThat(hash(Checksum.sha256("x"), "hello\n"))
        .isEqualTo("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  }

  @Test
  void expectedHashesCompareCaseInsensitively() {
    assertThat(Checksum.sha256("ABCDEF").matches("abcdef")).isTrue();
  }

  private static String hash(Checksum checksum, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    MessageDigest digest = checksum.newDigest(bytes.length);
    digest.update(bytes);
    return Checksum.hex(digest);
  }
}
