package dev.llmfleet.inpod.downloader;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hashes a file's bytes on a thread of its own, so that hashing overlaps with receiving and
 * writing: SHA-256 alone costs about as much CPU as the rest of the transfer. Bytes are copied into
 * a few fixed buffers, each handed over when full (a socket read often returns only a few KiB, and
 * a hand-over per read would cost more than the hashing); when all buffers wait to be hashed,
 * {@link #update} waits, so memory stays flat however fast the network is.
 *
 * <p>Files smaller than {@link #THREAD_FROM} are hashed as they are written, on the caller's
 * thread: a thread and its buffers per file cost more than they save there, and with many small
 * files at once their buffers churned the small heap into back-to-back full collections (37 in 2.4
 * s for 100 files of 1 MiB, 8 at once, on the bench).
 */
final class Hasher implements AutoCloseable {

  private static final int BUFFERS = 4;
  static final long THREAD_FROM = 16L * 1024 * 1024;

  private record Chunk(byte[] bytes, int length) {}

  private static final Chunk END = new Chunk(new byte[0], 0);

  private final MessageDigest digest;
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<Chunk> queued = new ArrayBlockingQueue<>(BUFFERS + 1);

  /** Null when hashing on the caller's thread. */
  private final Thread thread;

  private byte[] filling;
  private int filled;

  /**
   * A hasher for a file of {@code size} bytes: on a thread of its own from {@link #THREAD_FROM}.
   */
  Hasher(MessageDigest digest, long size, int bufferBytes, String name) {
    this.digest = digest;
    if (size < THREAD_FROM) {
      thread = null;
      return;
    }
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
    if (thread == null) {
      digest.update(bytes, 0, length);
      return;
    }
    for (int offset = 0; offset < length; ) {
      if (filling == null) {
        filling = free.take();
        filled = 0;
      }
      int n = Math.min(length - offset, filling.length - filled);
      System.arraycopy(bytes, offset, filling, filled, n);
      filled += n;
      offset += n;
      if (filled == filling.length) {
        handOver();
      }
    }
  }

  private void handOver() throws InterruptedException {
    queued.put(new Chunk(filling, filled));
    filling = null;
  }

  /** The hex digest of everything passed to {@link #update}. */
  String finish() throws InterruptedException {
    if (thread == null) {
      return Checksum.hex(digest);
    }
    if (filling != null) {
      handOver();
    }
    queued.put(END);
    thread.join();
    return Checksum.hex(digest);
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
