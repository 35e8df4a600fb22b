package io.mtasts.operator.policy;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A digest of bytes: the first 20 characters of the lower-case RFC 4648 base32 encoding of their
 * SHA-256 (100 bits). The alphabet {@code a-z2-7} keeps it within the TXT record's 1 to 32
 * letters or digits.
 *
 * <p>It depends on nothing but the bytes, which is why it is not the advertised policy id on its
 * own: the operator allocates ids so that one is never reused for other bytes, and uses this
 * digest only as part of an id, in child names and in checksums.
 */
public final class PolicyId {

  public static final int LENGTH = 20;
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private PolicyId() {}

  public static String of(byte[] canonicalPolicy) {
    byte[] digest = sha256(canonicalPolicy);
    StringBuilder id = new StringBuilder(LENGTH);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; id.length() < LENGTH; i++) {
      buffer = (buffer << 8) | (digest[i] & 0xff);
      bits += 8;
      while (bits >= 5 && id.length() < LENGTH) {
        bits -= 5;
        id.append(ALPHABET[(buffer >> bits) & 0x1f]);
      }
    }
    return id.toString();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
