package io.mtasts.operator.policy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A valid MTA-STS policy (RFC 8461 section 3.2) and its one canonical rendering.
 *
 * <p>The canonical form is what this project publishes: {@code version}, {@code mode}, each
 * {@code mx}, {@code max_age}, in that order, CRLF after every line including the last, no
 * extensions, no blank lines, ASCII only. Every rendered policy parses back strictly to an equal
 * value, and rendering a parsed canonical input gives the same bytes.
 */
public record Policy(Mode mode, List<MxPattern> mx, long maxAge) {

  /** The largest max_age the RFC allows: 31557600 seconds, about one year. */
  public static final long MAX_AGE_LIMIT = 31_557_600L;

  /** Policy files larger than this are rejected unread, as senders do (RFC 8461 section 3.3). */
  public static final int MAX_BYTES = 64 * 1024;

  public Policy {
    Objects.requireNonNull(mode, "mode");
    mx = List.copyOf(mx);
    if (maxAge < 0 || maxAge > MAX_AGE_LIMIT) {
      throw new IllegalArgumentException(
          "max_age " + maxAge + " is outside 0.." + MAX_AGE_LIMIT);
    }
    if (mx.isEmpty() && mode != Mode.NONE) {
      throw new IllegalArgumentException("at least one mx pattern is required unless mode is none");
    }
  }

  /** The canonical policy text. */
  public String render() {
    StringBuilder sb = new StringBuilder(64 + mx.size() * 32);
    sb.append("version: STSv1\r\n");
    sb.append("mode: ").append(mode.token()).append("\r\n");
    for (MxPattern pattern : mx) {
      sb.append("mx: ").append(pattern.value()).append("\r\n");
    }
    sb.append("max_age: ").append(maxAge).append("\r\n");
    return sb.toString();
  }

  /** The canonical policy bytes, as served. */
  public byte[] renderBytes() {
    return render().getBytes(StandardCharsets.US_ASCII);
  }

  /** The id of this policy: {@link PolicyId#of(byte[])} of the canonical bytes. */
  public String id() {
    return PolicyId.of(renderBytes());
  }

  /** Whether some mx pattern matches the host (RFC 8461 section 4.1). */
  public boolean covers(String host) {
    return mx.stream().anyMatch(p -> p.matches(host));
  }
}
