package io.mtasts.operator.policy;

import java.util.Arrays;
import java.util.Optional;

/** The policy mode of RFC 8461 section 5; the tokens are case-sensitive. */
public enum Mode {
  ENFORCE("enforce"),
  TESTING("testing"),
  NONE("none");

  private final String token;

  Mode(String token) {
    this.token = token;
  }

  /** The token as written in a policy file and in the custom resource. */
  public String token() {
    return token;
  }

  public static Optional<Mode> fromToken(String token) {
    return Arrays.stream(values()).filter(m -> m.token.equals(token)).findFirst();
  }

  /** "enforce, testing, none": for messages that list the allowed values. */
  public static String allowedTokens() {
    return "enforce, testing, none";
  }

  @Override
  public String toString() {
    return token;
  }
}
