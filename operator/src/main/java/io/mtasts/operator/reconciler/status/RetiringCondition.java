package io.mtasts.operator.reconciler.status;

import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.PolicyRetirement;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code Retiring} condition, from the retirement record in status: True while a mode none
 * policy rolls out or is held, False once it was held long enough, absent for a policy that
 * protects mail and is not being deleted.
 */
public final class RetiringCondition {

  private RetiringCondition() {}

  /**
   * @param record status.retirement as this reconcile left it
   * @param advertisedId the id status advertises
   * @param safeToDeleteAfter when the hold ends, with the operator's cap applied; empty while no
   *     mode none id is advertised
   * @param deleting whether the resource is being deleted
   */
  public static void report(StatusConditions conditions, PolicyRetirement record,
      String advertisedId, Optional<Instant> safeToDeleteAfter, boolean deleting, Instant now) {
    boolean noneAdvertised = record != null && record.getPolicyId() != null
        && record.getPolicyId().equals(advertisedId) && safeToDeleteAfter.isPresent();
    if (noneAdvertised) {
      String since = "mode none (policy " + record.getPolicyId() + ") is advertised since "
          + record.getRetiredAt();
      if (now.isBefore(safeToDeleteAfter.get())) {
        conditions.set(ConditionTypes.RETIRING, true, ConditionReasons.HOLDING_MODE_NONE,
            since + " and held until " + safeToDeleteAfter.get() + ", when every policy senders"
                + " may have cached (max_age up to " + record.getHoldSeconds() + " s) has"
                + " expired; " + (deleting ? "the resource is deleted then"
                    : "the resource may be deleted after that"));
      } else {
        conditions.set(ConditionTypes.RETIRING, false, ConditionReasons.RETIREMENT_COMPLETE,
            since + " and was held until " + safeToDeleteAfter.get() + "; no sender holds an"
                + " older policy, so " + (deleting ? "the resource is being deleted"
                    : "the resource, its TXT record and its policy host may be removed"));
      }
      return;
    }
    if (deleting) {
      conditions.set(ConditionTypes.RETIRING, true, ConditionReasons.RETIREMENT_STARTED,
          "the resource is being deleted: a mode none policy with a new id is rolling out and"
              + " is advertised once served; it is then held for the largest max_age senders"
              + " may have cached (annotate mtasts.io/retire=immediate to end at once)");
      return;
    }
    conditions.remove(ConditionTypes.RETIRING);
  }
}
