package dev.llmfleet.downloader;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hashes a file's bytes on a thread of its own, so that hashing overlaps with receiving and
 * writing: SHA-256 alone costs about as much CPU as the rest of the transfer. Bytes are copied into
 * a few fixed buffers; when all are waiting to be hashed, {@link #update} waits, so memory stays
 * flat however fast the network is.
 */
final class Hasher implements AutoCloseable {

  private static final int BUFFERS = 4;

  private record Chunk(byte[] bytes, int length) {}

  private static final Chunk END = new Chunk(new byte[0], 0);

  private final MessageDigest digest;
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<Chunk> queued = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final Thread thread;

  Hasher(MessageDigest digest, int bufferBytes, String name) {
    this.digest = digest;
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new byte[bufferBytes]);
    }
    thread = new Thread(this::run, "hash " + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      for (Chunk chunk = queued.take(); chunk != END; chunk = queued.take()) {
        digest.update(chunk.bytes(), 0, chunk.length());
        free.put(chunk.bytes());
      }
    } catch (InterruptedException e) {
      // Closed before the end: the hash is not wanted any more.
    }
  }

  void update(byte[] bytes, int length) throws InterruptedException {
    byte[] copy = free.take();
    System.arraycopy(bytes, 0, copy, 0, length);
    queued.put(new Chunk(copy, length));
  }

  /** The hex digest of everything passed to {@link #update}. */
  String finish() throws InterruptedException {
    queued.put(END);
    thread.join();
    return Checksum.hex(digest);
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
