package io.mtasts.operator.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** {@code Certificate}: the certificate the policy host presented, as a sender judges it. */
final class CertificateCheck {

  /** Warn when a certificate expires sooner than this. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  private static final CheckName NAME = CheckName.CERTIFICATE;

  private CertificateCheck() {}

  static CheckOutcome judge(Optional<CertificateFacts> presented, Instant now) {
    if (presented.isEmpty()) {
      return CheckOutcome.skipped(NAME, "no certificate was received from the policy host"
          + " (see PolicyFetch)");
    }
    CertificateFacts facts = presented.get();
    if (!facts.acceptable()) {
      return CheckOutcome.fail(NAME, facts.describeProblems()
          + "; senders refuse to fetch the policy over it");
    }
    Duration left = Duration.between(now, facts.notAfter());
    String about = "the certificate of " + facts.host() + " (issued by '" + facts.issuer()
        + "') expires " + facts.notAfter() + ", in " + left.toDays() + " days";
    if (left.compareTo(EXPIRY_WARNING) < 0) {
      return CheckOutcome.warn(NAME, about + "; renew it now: once it expires, senders can no"
          + " longer fetch the policy");
    }
    return CheckOutcome.pass(NAME, about + "; it is trusted and valid for " + facts.host());
  }
}
