package dev.llmfleet.inpod.downloader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The hash a file must have. LFS files and HTTP files with a given sha256 are checked against the
 * SHA-256 of their content; small (non-LFS) Hub files only have a git blob id, the SHA-1 of {@code
 * "blob <size>\0" + content}, which checks them just as well.
 */
record Checksum(Algorithm algorithm, String expected) {

  enum Algorithm {
    SHA256("sha256"),
    GIT_BLOB_SHA1("git blob sha1");

    final String label;

    Algorithm(String label) {
      this.label = label;
    }
  }

  static Checksum sha256(String hex) {
    return new Checksum(Algorithm.SHA256, hex.toLowerCase(Locale.ROOT));
  }

  static Checksum gitBlob(String hex) {
    return new Checksum(Algorithm.GIT_BLOB_SHA1, hex.toLowerCase(Locale.ROOT));
  }

  /** A digest ready for the content of a file of {@code size} bytes. */
  MessageDigest newDigest(long size) {
    return switch (algorithm) {
      case SHA256 -> digest("SHA-256");
      case GIT_BLOB_SHA1 -> {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        yield sha1;
      }
    };
  }

  boolean matches(String actual) {
    return expected.equals(actual);
  }

  static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has " + algorithm, e);
    }
  }
}
