package dev.llmfleet.inpod.downloader;

import dev.llmfleet.common.Errors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * A {@code .part} file being filled, and the running hash of its bytes (on a {@link Hasher}
 * thread). Every disk error is a {@link Failure}: unlike a network error, retrying the same write
 * will not help.
 */
final class PartFile implements AutoCloseable {

  private final Path path;
  private final long size;
  private final Optional<Checksum> checksum;
  private final FileChannel channel;
  private final int bufferBytes;
  private Optional<Hasher> hasher;
  private long length;

  private PartFile(
      Path path, long size, Optional<Checksum> checksum, FileChannel channel, int bufferBytes) {
    this.path = path;
    this.size = size;
    this.checksum = checksum;
    this.channel = channel;
    this.bufferBytes = bufferBytes;
    this.hasher = newHasher();
  }

  private Optional<Hasher> newHasher() {
    String name = path.getFileName().toString();
    return checksum.map(c -> new Hasher(c.newDigest(size), size, bufferBytes, name));
  }

  /**
   * Opens the part file, creating it and its folders if needed. The bytes already there are read
   * once into the hash, so that a resumed file is verified as a whole without a second pass.
   */
  static PartFile open(Path path, long size, Optional<Checksum> checksum, byte[] buffer)
      throws Failure, InterruptedException {
    return open(path, size, checksum, buffer, bytes -> {});
  }

  /**
   * As {@link #open(Path, long, Optional, byte[])}, telling {@code hashed} of the existing bytes as
   * they are hashed: an 80 GB part takes minutes at disk speed, which must show as progress, not as
   * a stall.
   */
  static PartFile open(
      Path path, long size, Optional<Checksum> checksum, byte[] buffer, LongConsumer hashed)
      throws Failure, InterruptedException {
    FileChannel channel;
    try {
      Files.createDirectories(path.getParent());
      channel =
          FileChannel.open(
              path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw diskError("cannot open", path, e);
    }
    PartFile part = new PartFile(path, size, checksum, channel, buffer.length);
    boolean opened = false;
    try {
      if (channel.size() > size) {
        channel.truncate(0);
      }
      part.hashExisting(buffer, hashed);
      opened = true;
      return part;
    } catch (IOException e) {
      throw diskError("cannot read", path, e);
    } finally {
      if (!opened) {
        part.close();
      }
    }
  }

  private void hashExisting(byte[] buffer, LongConsumer hashed)
      throws IOException, InterruptedException {
    long existing = channel.size();
    ByteBuffer wrapped = ByteBuffer.wrap(buffer);
    while (length < existing) {
      wrapped.clear().limit((int) Math.min(buffer.length, existing - length));
      int n = channel.read(wrapped, length);
      if (n < 0) {
        break;
      }
      if (hasher.isPresent()) {
        hasher.get().update(buffer, n);
        hashed.accept(n);
      }
      length += n;
    }
  }

  long length() {
    return length;
  }

  void append(byte[] bytes, int count) throws Failure, InterruptedException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, count);
    try {
      while (buffer.hasRemaining()) {
        length += channel.write(buffer, length);
      }
    } catch (IOException e) {
      throw diskError("cannot write", path, e);
    }
    if (hasher.isPresent()) {
      hasher.get().update(bytes, count);
    }
  }

  /** Back to zero bytes, when the server cannot resume (it answered 200 to a Range request). */
  void restart() throws Failure {
    try {
      channel.truncate(0);
    } catch (IOException e) {
      throw diskError("cannot truncate", path, e);
    }
    length = 0;
    hasher.ifPresent(Hasher::close);
    hasher = newHasher();
  }

  /** The hash of the content; only once all bytes are in. */
  Optional<String> hash() throws InterruptedException {
    return hasher.isPresent() ? Optional.of(hasher.get().finish()) : Optional.empty();
  }

  /**
   * Flushes the bytes to the disk, then gives the file its final name: a file under its final name
   * is complete and verified even after a node crash, so later runs trust it by its size.
   */
  void commit(Path target) throws Failure {
    try {
      channel.force(true);
      channel.close();
      Files.move(path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw diskError("cannot rename into place", path, e);
    }
  }

  void delete() throws Failure {
    try {
      channel.close();
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw diskError("cannot delete", path, e);
    }
  }

  @Override
  public void close() {
    hasher.ifPresent(Hasher::close);
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing is lost: whatever was written stays in the part file for the next attempt.
    }
  }

  private static Failure diskError(String what, Path path, IOException e) {
    String detail =
        e instanceof FileSystemException fs && fs.getReason() != null
            ? fs.getReason()
            : Errors.describe(e);
    // A volume that filled up after the space check (another writer) is the same problem for
    // people.
    String reason =
        detail.contains("No space left on device")
            ? Failure.INSUFFICIENT_STORAGE
            : Failure.TRANSFER_FAILED;
    return new Failure(reason, what + " " + path + ": " + detail);
  }
}
