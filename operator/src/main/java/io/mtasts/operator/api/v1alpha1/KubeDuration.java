package io.mtasts.operator.api.v1alpha1;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the Kubernetes way ({@code 500ms}, {@code 20s}, {@code 15m}, {@code 1h30m}),
 * used by {@code spec.verification.interval} and by the command line's time options.
 */
public final class KubeDuration {

  private static final Pattern WHOLE = Pattern.compile(SpecConstraints.DURATION);
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");
  private static final Duration MAX = Duration.ofDays(365);

  private KubeDuration() {}

  /** Parses a duration; the message of the exception says what is allowed. */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; write a number with"
          + " a unit ms, s, m or h, such as 500ms, 20s, 15m or 1h30m");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      if (m.group(1).length() > 9) {
        throw new IllegalArgumentException("'" + text + "' is too long a duration");
      }
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }
    if (total.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("'" + text + "' is longer than a year");
    }
    return total;
  }

  /** The shortest Kubernetes-style text for a duration, such as {@code 15m} or {@code 1h30m}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long hours = d.toHours();
    long minutes = d.toMinutesPart();
    long seconds = d.toSecondsPart();
    long millis = d.toMillisPart();
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (minutes > 0) {
      sb.append(minutes).append('m');
    }
    if (seconds > 0) {
      sb.append(seconds).append('s');
    }
    if (millis > 0) {
      sb.append(millis).append("ms");
    }
    return sb.toString();
  }
}
