package io.mtasts.operator.reconciler.status;

import io.mtasts.operator.api.v1alpha1.CheckResult;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.VerificationCheck;
import io.mtasts.operator.verify.CheckName;
import io.mtasts.operator.verify.CheckOutcome;
import io.mtasts.operator.verify.Result;
import io.mtasts.operator.verify.VerificationReport;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a verification report into {@code status.checks} and the DnsRecordsVerified and Verified
 * conditions. A check whose result and message did not change keeps its {@code checkedAt}: a
 * steady domain then costs no status write, however often it is verified.
 */
final class VerificationStatus {

  private static final Set<CheckName> DNS_CHECKS =
      Set.of(CheckName.STS_TXT_RECORD, CheckName.TLS_RPT_RECORD);

  private VerificationStatus() {}

  static List<VerificationCheck> checks(VerificationReport report, List<VerificationCheck> before) {
    String now = DateTimeFormatter.ISO_INSTANT.format(
        report.checkedAt().truncatedTo(ChronoUnit.SECONDS));
    List<VerificationCheck> checks = new ArrayList<>();
    for (CheckOutcome outcome : report.checks()) {
      CheckResult result = CheckResult.valueOf(outcome.result().name());
      String checkedAt = before == null ? now : before.stream()
          .filter(b -> b.getName().equals(outcome.name().label())
              && b.getResult() == result && Objects.equals(b.getMessage(), outcome.message()))
          .map(VerificationCheck::getCheckedAt)
          .findFirst()
          .orElse(now);
      checks.add(new VerificationCheck(outcome.name().label(), result, outcome.message(),
          checkedAt));
    }
    return checks;
  }

  static void conditions(VerificationReport report, StatusConditions conditions) {
    set(conditions, ConditionTypes.DNS_RECORDS_VERIFIED, report.checks().stream()
        .filter(c -> DNS_CHECKS.contains(c.name())).toList(),
        report.stsRecordId().isPresent(),
        "the _mta-sts and _smtp._tls records match the status");
    set(conditions, ConditionTypes.VERIFIED, report.checks(), report.conclusive(),
        "every live check passed for " + report.domain());
  }

  static void pending(StatusConditions conditions) {
    for (String type : List.of(ConditionTypes.DNS_RECORDS_VERIFIED, ConditionTypes.VERIFIED)) {
      if (conditions.find(type).isEmpty()) {
        conditions.set(type, StatusConditions.UNKNOWN, ConditionReasons.PENDING,
            "the first live verification runs once a policy is served");
      }
    }
  }

  /**
   * {@code observed} is false when the checks that decide the condition could not run (DNS or the
   * policy host never answered): without a failure that is Unknown, never True, since nothing
   * was seen to work.
   */
  private static void set(StatusConditions conditions, String type, List<CheckOutcome> checks,
      boolean observed, String passMessage) {
    List<CheckOutcome> failed = checks.stream().filter(c -> c.result() == Result.FAIL).toList();
    List<CheckOutcome> warned = checks.stream().filter(c -> c.result() == Result.WARN).toList();
    if (!failed.isEmpty()) {
      CheckOutcome first = failed.get(0);
      conditions.set(type, false, ConditionReasons.checkFailed(first.name().label()), first.message()
          + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more failed checks; see"
              + " status.checks)" : ""));
    } else if (!observed) {
      String why = warned.isEmpty() ? "the decisive checks did not run"
          : warned.get(0).name().label() + ": " + warned.get(0).message();
      conditions.set(type, StatusConditions.UNKNOWN, ConditionReasons.INCONCLUSIVE,
          "nothing failed, but the live setup could not be observed (" + why + "); the next"
              + " verification tries again");
    } else if (!warned.isEmpty()) {
      CheckOutcome first = warned.get(0);
      conditions.set(type, true, ConditionReasons.PASSED_WITH_WARNINGS,
          first.name().label() + ": " + first.message() + (warned.size() > 1 ? " (and " + (warned.size() - 1)
              + " more warnings; see status.checks)" : ""));
    } else {
      conditions.set(type, true, ConditionReasons.PASSED, passMessage);
    }
  }
}
