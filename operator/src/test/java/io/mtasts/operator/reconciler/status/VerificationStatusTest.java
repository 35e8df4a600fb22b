package io.mtasts.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Condition;
import io.mtasts.operator.api.v1alpha1.CheckResult;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.VerificationCheck;
import io.mtasts.operator.verify.CheckName;
import io.mtasts.operator.verify.CheckOutcome;
import io.mtasts.operator.verify.Result;
import io.mtasts.operator.verify.VerificationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A verification report as status.checks and the DnsRecordsVerified and Verified conditions. */
class VerificationStatusTest {

  private static final Instant FIRST = Instant.parse("2026-01-01T10:00:00.400Z");
  private static final Instant LATER = Instant.parse("2026-01-01T10:15:00Z");

  /** A report of a verification that found the record and fetched the policy. */
  private static VerificationReport report(Instant at, CheckOutcome... checks) {
    List<CheckOutcome> all = new java.util.ArrayList<>(List.of(checks));
    if (all.stream().noneMatch(c -> c.name() == CheckName.POLICY_SYNTAX)) {
      all.add(outcome(CheckName.POLICY_SYNTAX, Result.PASS, "valid"));
    }
    return new VerificationReport("example.com", all, Optional.of("20260101"),
        Optional.empty(), List.of(), Optional.empty(), at, Duration.ofMillis(20));
  }

  private static CheckOutcome outcome(CheckName name, Result result, String message) {
    return new CheckOutcome(name, result, message);
  }

  private static Condition condition(StatusConditions conditions, String type) {
    return conditions.find(type).orElseThrow();
  }

  @Test
  void everyCheckIsListedWithItsResultAndTime() {
    List<VerificationCheck> checks = VerificationStatus.checks(report(FIRST,
        outcome(CheckName.STS_TXT_RECORD, Result.PASS, "found"),
        outcome(CheckName.MX_STARTTLS, Result.FAIL, "no STARTTLS")), null);
    assertThat(checks).extracting(VerificationCheck::getName, VerificationCheck::getResult,
            VerificationCheck::getCheckedAt)
        .startsWith(
            tuple("StsTxtRecord", CheckResult.PASS,
                "2026-01-01T10:00:00Z"),
            tuple("MxStartTls", CheckResult.FAIL,
                "2026-01-01T10:00:00Z"));
  }

  @Test
  void anUnchangedCheckKeepsItsTimeAndAChangedOneGetsTheNewTime() {
    List<VerificationCheck> before = VerificationStatus.checks(report(FIRST,
        outcome(CheckName.STS_TXT_RECORD, Result.PASS, "found"),
        outcome(CheckName.MX_STARTTLS, Result.PASS, "ok")), null);
    List<VerificationCheck> after = VerificationStatus.checks(report(LATER,
        outcome(CheckName.STS_TXT_RECORD, Result.PASS, "found"),
        outcome(CheckName.MX_STARTTLS, Result.FAIL, "no STARTTLS")), before);
    assertThat(after).extracting(VerificationCheck::getCheckedAt)
        .startsWith("2026-01-01T10:00:00Z", "2026-01-01T10:15:00Z");
  }

  @Test
  void allPassingMakesBothConditionsTrue() {
    StatusConditions conditions = new StatusConditions(null, 1, FIRST);
    VerificationStatus.conditions(report(FIRST,
        outcome(CheckName.STS_TXT_RECORD, Result.PASS, "found"),
        outcome(CheckName.POLICY_FETCH, Result.PASS, "fetched")), conditions);
    assertThat(condition(conditions, ConditionTypes.DNS_RECORDS_VERIFIED).getReason())
        .isEqualTo("Passed");
    assertThat(condition(conditions, ConditionTypes.VERIFIED).getMessage())
        .isEqualTo("every live check passed for example.com");
    assertThat(conditions.isTrue(ConditionTypes.VERIFIED)).isTrue();
  }

  @Test
  void aFailedCheckNamesItselfAndCountsTheOthers() {
    StatusConditions conditions = new StatusConditions(null, 1, FIRST);
    VerificationStatus.conditions(report(FIRST,
        outcome(CheckName.STS_TXT_RECORD, Result.PASS, "found"),
        outcome(CheckName.MX_COVERAGE, Result.FAIL, "mx2 is not covered"),
        outcome(CheckName.MX_STARTTLS, Result.FAIL, "no STARTTLS")), conditions);
    Condition verified = condition(conditions, ConditionTypes.VERIFIED);
    assertThat(verified.getStatus()).isEqualTo("False");
    assertThat(verified.getReason()).isEqualTo("MxCoverageFailed");
    assertThat(verified.getMessage())
        .isEqualTo("mx2 is not covered (and 1 more failed checks; see status.checks)");
    // the DNS condition looks only at the DNS record checks
    assertThat(conditions.isTrue(ConditionTypes.DNS_RECORDS_VERIFIED)).isTrue();
  }

  @Test
  void warningsPassButSaySo() {
    StatusConditions conditions = new StatusConditions(null, 1, FIRST);
    VerificationStatus.conditions(report(FIRST,
        outcome(CheckName.TLS_RPT_RECORD, Result.WARN, "no _smtp._tls record")), conditions);
    Condition dns = condition(conditions, ConditionTypes.DNS_RECORDS_VERIFIED);
    assertThat(dns.getStatus()).isEqualTo("True");
    assertThat(dns.getReason()).isEqualTo("PassedWithWarnings");
    assertThat(dns.getMessage()).isEqualTo("TlsRptRecord: no _smtp._tls record");
  }

  @Test
  void aVerificationThatCouldNotReachDnsIsUnknownNeverTrue() {
    StatusConditions conditions = new StatusConditions(null, 1, FIRST);
    VerificationStatus.conditions(new VerificationReport("example.com", List.of(
            outcome(CheckName.STS_TXT_RECORD, Result.WARN, "the TXT lookup timed out"),
            outcome(CheckName.POLICY_FETCH, Result.SKIPPED, "no record"),
            outcome(CheckName.POLICY_SYNTAX, Result.SKIPPED, "nothing fetched")),
        Optional.empty(), Optional.empty(), List.of(), Optional.empty(), FIRST,
        Duration.ofSeconds(10)), conditions);
    for (String type : List.of(ConditionTypes.VERIFIED, ConditionTypes.DNS_RECORDS_VERIFIED)) {
      Condition c = condition(conditions, type);
      assertThat(c.getStatus()).as(type).isEqualTo("Unknown");
      assertThat(c.getReason()).as(type).isEqualTo("Inconclusive");
      assertThat(c.getMessage()).as(type).contains("StsTxtRecord: the TXT lookup timed out");
    }
  }

  @Test
  void pendingIsUnknownAndNeverOverwritesAnEarlierResult() {
    StatusConditions conditions = new StatusConditions(null, 1, FIRST);
    VerificationStatus.pending(conditions);
    assertThat(condition(conditions, ConditionTypes.VERIFIED).getStatus()).isEqualTo("Unknown");
    assertThat(condition(conditions, ConditionTypes.DNS_RECORDS_VERIFIED).getReason())
        .isEqualTo("Pending");

    StatusConditions verified = new StatusConditions(null, 1, FIRST);
    VerificationStatus.conditions(report(FIRST,
        outcome(CheckName.MX_STARTTLS, Result.FAIL, "no STARTTLS")), verified);
    VerificationStatus.pending(verified);
    assertThat(condition(verified, ConditionTypes.VERIFIED).getStatus()).isEqualTo("False");
  }
}
