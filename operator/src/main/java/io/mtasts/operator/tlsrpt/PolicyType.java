package io.mtasts.operator.tlsrpt;

import java.util.Arrays;
import java.util.Optional;

/** The {@code policy-type} of a TLS-RPT policy result (RFC 8460 section 4.4). */
public enum PolicyType {
  STS("sts"),
  TLSA("tlsa"),
  NO_POLICY_FOUND("no-policy-found");

  private final String wireName;

  PolicyType(String wireName) {
    this.wireName = wireName;
  }

  /** The name as it appears in reports: {@code sts}, {@code tlsa}, {@code no-policy-found}. */
  public String wireName() {
    return wireName;
  }

  /** Case-sensitive, as the RFC's JSON schema is. */
  public static Optional<PolicyType> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  static String allowed() {
    return String.join(", ", Arrays.stream(values()).map(PolicyType::wireName).toList());
  }
}
