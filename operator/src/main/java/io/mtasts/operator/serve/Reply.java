package io.mtasts.operator.serve;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An HTTP answer, independent of the server library that sends it.
 *
 * @param headers extra response headers besides Content-Type and Content-Length
 */
public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

  static final String TEXT = "text/plain";

  public Reply {
    headers = Map.copyOf(headers);
  }

  /** A short plain-text answer for an error status. */
  public static Reply text(int status, String message) {
    return new Reply(status, TEXT + "; charset=utf-8",
        (message + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
  }
}
