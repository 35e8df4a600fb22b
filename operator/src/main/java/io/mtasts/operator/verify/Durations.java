package io.mtasts.operator.verify;

import java.time.Duration;

/** Durations in messages: {@code 1.5 s}, {@code 800 ms}. */
final class Durations {

  private Durations() {}

  /** Milliseconds for the socket APIs that take an int, capped rather than overflowing. */
  static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  static String describe(Duration d) {
    long millis = d.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + " s";
    }
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
