package dev.llmfleet.e2e.origin;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The bytes of a test file, computed from its seed and their offset instead of stored, so that a
 * file of several GiB costs neither disk nor memory. Every 8-byte word is a hash of the seed and
 * the word's position: a byte written at the wrong offset changes the file's sha256.
 */
final class GeneratedContent extends Content {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final long size;
  private final long seed;

  GeneratedContent(long seed, long size) {
    this.seed = seed;
    this.size = size;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void fill(byte[] buffer, long offset, int length) {
    int i = 0;
    // Head bytes up to the next word boundary, then whole words, then the tail.
    while (i < length && ((offset + i) & 7) != 0) {
      buffer[i] = byteAt(offset + i);
      i++;
    }
    for (; i + 8 <= length; i += 8) {
      LONGS.set(buffer, i, word((offset + i) >>> 3));
    }
    for (; i < length; i++) {
      buffer[i] = byteAt(offset + i);
    }
  }

  private byte byteAt(long position) {
    return (byte) (word(position >>> 3) >>> (8 * (position & 7)));
  }

  /** SplitMix64's finalizer: fast, and every word differs. */
  private long word(long index) {
    long z = seed + index * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
