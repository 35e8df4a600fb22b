package io.mtasts.operator.localserver;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Writes DER bytes in the PEM text form that web servers and {@code --ca-file} expect. */
final class Pem {
  private static final Base64.Encoder ENCODER =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pem() {}

  static String encode(String label, byte[] der) {
    return String.format(
        "-----BEGIN %s-----\n%s\n-----END %s-----\n", label, ENCODER.encodeToString(der), label);
  }
}
