package io.mtasts.operator.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of verifying one domain: one {@link CheckOutcome} per {@link CheckName}, in that
 * order, and the facts found on the way that a caller may want to show or compare.
 *
 * @param domain the mail domain that was verified
 * @param checks one outcome per check, in {@link CheckName} order
 * @param stsRecordId the id of the valid {@code _mta-sts} record found, if there was one
 * @param tlsRptRecord the text of the one {@code _smtp._tls} record found, if there was exactly one
 *     beginning with {@code v=TLSRPTv1}
 * @param mxHosts the MX host names found, without the trailing dot, in preference order
 * @param certificateNotAfter when the certificate of the policy host expires, if one was received
 * @param checkedAt when the verification started
 * @param elapsed how long it took
 */
public record VerificationReport(
    String domain,
    List<CheckOutcome> checks,
    Optional<String> stsRecordId,
    Optional<String> tlsRptRecord,
    List<String> mxHosts,
    Optional<Instant> certificateNotAfter,
    Instant checkedAt,
    Duration elapsed) {

  public VerificationReport {
    Objects.requireNonNull(domain, "domain");
    checks = List.copyOf(checks);
    Set<CheckName> seen = EnumSet.noneOf(CheckName.class);
    for (CheckOutcome outcome : checks) {
      if (!seen.add(outcome.name())) {
        throw new IllegalArgumentException("check " + outcome.name() + " reported twice");
      }
    }
    Objects.requireNonNull(stsRecordId, "stsRecordId");
    Objects.requireNonNull(tlsRptRecord, "tlsRptRecord");
    mxHosts = List.copyOf(mxHosts);
    Objects.requireNonNull(certificateNotAfter, "certificateNotAfter");
    Objects.requireNonNull(checkedAt, "checkedAt");
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** True when no check failed (warnings and skipped checks allowed). */
  public boolean passed() {
    return !failed();
  }

  /**
   * True when the checks that decide whether senders can use MTA-STS actually ran: a valid
   * {@code _mta-sts} record was found and a policy was downloaded. A verification in which DNS
   * or the policy host never answered is not conclusive, even when nothing failed.
   */
  public boolean conclusive() {
    return stsRecordId.isPresent() && checks.stream()
        .anyMatch(c -> c.name() == CheckName.POLICY_SYNTAX && c.result() != Result.SKIPPED);
  }

  /** True when no check failed and the verification was {@linkplain #conclusive conclusive}. */
  public boolean ok() {
    return !failed() && conclusive();
  }

  /** True when at least one check failed. */
  public boolean failed() {
    return count(Result.FAIL) > 0;
  }

  /** How many checks ended with {@code result}. */
  public long count(Result result) {
    return checks.stream().filter(c -> c.result() == result).count();
  }

  /** The outcome of one check; every verification reports every check. */
  public CheckOutcome check(CheckName name) {
    return checks.stream()
        .filter(c -> c.name() == name)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no outcome for " + name));
  }

  /** The checks that failed, in report order. */
  public List<CheckOutcome> failures() {
    return checks.stream().filter(c -> c.result() == Result.FAIL).toList();
  }
}
