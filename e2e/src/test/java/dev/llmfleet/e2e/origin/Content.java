package dev.llmfleet.e2e.origin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * The bytes the {@link TestOrigin} serves for one file: its size, any range of it, and its digests.
 * {@link GeneratedContent} makes them up; {@link FileContent} reads them from a file on disk.
 */
abstract class Content implements AutoCloseable {

  private final Supplier<String> sha256 = memoize(() -> digest("SHA-256", ""));
  private final Supplier<String> gitBlobId =
      memoize(() -> digest("SHA-1", "blob " + size() + "\0"));

  public abstract long size();

  /** The hex SHA-256 of the whole content, computed once. */
  public final String sha256() {
    return sha256.get();
  }

  /** The SHA-1 of {@code "blob <size>\0" + content}: what git and the Hub call its blobId. */
  public final String gitBlobId() {
    return gitBlobId.get();
  }

  /** Writes the bytes {@code [offset, offset + length)} into {@code buffer} from index 0. */
  public abstract void fill(byte[] buffer, long offset, int length) throws IOException;

  /** Releases what the content holds open; the default holds nothing. */
  @Override
  public void close() throws IOException {}

  /** The hex digest of {@code header + content}, streamed through a 1 MiB buffer. */
  private String digest(String algorithm, String header) {
    try {
      MessageDigest digest = MessageDigest.getInstance(algorithm);
      digest.update(header.getBytes(StandardCharsets.US_ASCII));
      byte[] buffer = new byte[1 << 20];
      long size = size();
      for (long at = 0; at < size; at += buffer.length) {
        int n = (int) Math.min(buffer.length, size - at);
        fill(buffer, at, n);
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A value computed on first use, then kept. */
  private static <T> Supplier<T> memoize(Supplier<T> compute) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = compute.get();
        }
        return value;
      }
    };
  }
}
