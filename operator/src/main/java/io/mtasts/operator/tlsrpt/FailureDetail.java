package io.mtasts.operator.tlsrpt;

import java.util.Objects;
import java.util.Set;

/**
 * One {@code failure-details} entry of a policy result (RFC 8460 section 4.4).
 *
 * <p>{@code resultType} stays a string: the RFC lets later documents add result types, and a
 * report that names one this code does not know still tells how many sessions failed.
 *
 * @param receivingMx the MX host name the sender tried, or null when the reporter left it out
 * @param receivingIp the address it connected to, or null
 * @param sendingMtaIp the reporter's sending address, or null
 */
public record FailureDetail(
    String resultType,
    long failedSessions,
    String receivingMx,
    String receivingIp,
    String sendingMtaIp,
    String receivingMxHelo,
    String failureReasonCode,
    String additionalInformation) {

  /** The result types of RFC 8460 section 4.3. */
  public static final Set<String> STANDARD_RESULT_TYPES = Set.of(
      "starttls-not-supported",
      "certificate-host-mismatch",
      "certificate-expired",
      "certificate-not-trusted",
      "validation-failure",
      "tlsa-invalid",
      "dnssec-invalid",
      "dane-required",
      "sts-policy-fetch-error",
      "sts-policy-invalid",
      "sts-webpki-invalid");

  public FailureDetail {
    Objects.requireNonNull(resultType, "resultType");
    if (failedSessions < 0) {
      throw new IllegalArgumentException("failedSessions must be >= 0");
    }
  }

  public boolean hasStandardResultType() {
    return STANDARD_RESULT_TYPES.contains(resultType);
  }
}
