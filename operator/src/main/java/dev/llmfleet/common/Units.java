package dev.llmfleet.common;

import java.util.Locale;

/**
 * Byte counts, rates and durations as people read them in logs, messages and the kubectl plugin.
 */
public final class Units {

  private static final String[] BINARY = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Units() {}

  /** {@code 512 B}, {@code 1.0 KiB}, {@code 14.2 GiB}: binary units, one decimal. */
  public static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    // Stop one unit early at 1023.95+ so that rounding never prints "1024.0 MiB".
    while (value >= 1023.95 && unit < BINARY.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, BINARY[unit]);
  }

  public static String rate(long bytesPerSecond) {
    return bytes(bytesPerSecond) + "/s";
  }

  /** {@code 45s}, {@code 1m24s}, {@code 2h03m}: two units at most. */
  public static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  }
}
