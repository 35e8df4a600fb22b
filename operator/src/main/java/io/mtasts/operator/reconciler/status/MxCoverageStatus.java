package io.mtasts.operator.reconciler.status;

import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.policy.Mode;
import io.mtasts.operator.policy.MxPattern;
import io.mtasts.operator.policy.Policy;
import io.mtasts.operator.policy.PolicyParser;
import io.mtasts.operator.verify.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Status of the MX hosts against the policy: what the MX guard decided before an enforce id went
 * out (on PolicyServed), and drift found afterwards by the periodic verification (the MxCovered
 * condition, present while an enforce policy is advertised).
 */
public final class MxCoverageStatus {

  private MxCoverageStatus() {}

  /**
   * Reports the guard's verdict on PolicyServed. Its Events are those of the condition's
   * transitions ({@link PolicyEvents#noticesFor}): a hold is a problem, and so is an id
   * advertised against the guard's finding.
   */
  public static void guard(boolean held, String reason, String message,
      StatusAggregator report) {
    if (!held && ConditionReasons.SERVED.equals(reason)) {
      return;
    }
    report.conditions().set(ConditionTypes.POLICY_SERVED, !held, reason, message);
  }

  /**
   * Compares the MX hosts the latest verification found with the advertised policy
   * ({@code advertisedPolicy}, the text in status). Under enforce, sets MxCovered and returns the
   * number of hosts no mx pattern matches; otherwise removes MxCovered and returns empty, since
   * an uncovered host costs no mail then.
   */
  public static Optional<Integer> drift(String advertisedPolicy, String advertisedId,
      VerificationReport verification, StatusAggregator report) {
    StatusConditions conditions = report.conditions();
    Optional<Policy> policy = advertisedPolicy == null ? Optional.empty()
        : PolicyParser.parse(advertisedPolicy.getBytes(StandardCharsets.US_ASCII)).value();
    if (policy.isEmpty() || policy.get().mode() != Mode.ENFORCE) {
      conditions.remove(ConditionTypes.MX_COVERED);
      return Optional.empty();
    }
    List<String> hosts = verification.mxHosts();
    List<String> uncovered = hosts.stream().filter(h -> !policy.get().covers(h)).toList();
    if (hosts.isEmpty()) {
      // nothing compared (no MX record, a null MX, a failed lookup): not a pass
      conditions.set(ConditionTypes.MX_COVERED, StatusConditions.UNKNOWN,
          ConditionReasons.NO_MX_HOSTS, "the last verification found no MX record of "
              + verification.domain() + " to compare; see the MxCoverage check in status.checks");
      return Optional.empty();
    }
    if (uncovered.isEmpty()) {
      conditions.set(ConditionTypes.MX_COVERED, true, ConditionReasons.MX_COVERED,
          "every MX host of " + verification.domain() + " (" + String.join(", ", hosts)
              + ") matches the advertised enforce policy " + advertisedId);
      return Optional.of(0);
    }
    conditions.set(ConditionTypes.MX_COVERED, false, ConditionReasons.MX_NOT_COVERED,
        "MX host" + (uncovered.size() == 1 ? " " : "s ") + String.join(", ", uncovered) + " of "
            + verification.domain() + (uncovered.size() == 1 ? " is" : " are")
            + " not matched by the advertised enforce policy " + advertisedId + " (mx: "
            + policy.get().mx().stream().map(MxPattern::value).collect(Collectors.joining(", "))
            + "): senders holding it refuse to deliver mail there. Add the host"
            + (uncovered.size() == 1 ? "" : "s") + " to spec.mx, or correct the MX records");
    return Optional.of(uncovered.size());
  }
}
