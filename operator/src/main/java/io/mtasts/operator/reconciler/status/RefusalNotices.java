package io.mtasts.operator.reconciler.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Warning Events for refusals and stuck rollouts whose condition stays False. Condition
 * transitions ({@link PolicyEvents#noticesFor}) only see a change of status; a quota that
 * replaces a rollout in progress, or an admission policy whose message changes, keeps the status
 * False and would go unrecorded. Here a change of reason or message of such a condition is one
 * Event; the same refusal again is none, since its condition stays as it was.
 */
public final class RefusalNotices {

  /** The reasons that come with their own Event whenever they appear or their message changes. */
  static final Set<String> REASONS = Set.of(
      ConditionReasons.QUOTA_EXCEEDED, ConditionReasons.ADMISSION_DENIED,
      ConditionReasons.CHILD_REFUSED, ConditionReasons.PODS_NOT_CREATED,
      ConditionReasons.ROLLOUT_STUCK);

  private RefusalNotices() {}

  /**
   * The Events the change from {@code before} to {@code after} is worth beyond
   * {@code alreadyNoticed}: one per condition with a refusal reason whose reason or message
   * changed, none for Ready when another condition already tells the same.
   */
  public static List<PolicyEvents.Notice> changed(List<Condition> before, List<Condition> after,
      List<PolicyEvents.Notice> alreadyNoticed) {
    List<PolicyEvents.Notice> notices = new ArrayList<>();
    List<Condition> candidates = new ArrayList<>(after == null ? List.of() : after);
    // Ready sums up the others: look at it last, so it is dropped when another said the same
    candidates.sort((a, b) -> Boolean.compare(isReady(a), isReady(b)));
    for (Condition c : candidates) {
      if (!REASONS.contains(c.getReason()) || !StatusConditions.FALSE.equals(c.getStatus())) {
        continue;
      }
      Optional<Condition> old = find(before, c.getType());
      boolean same = old.isPresent() && Objects.equals(old.get().getStatus(), c.getStatus())
          && Objects.equals(old.get().getReason(), c.getReason())
          && Objects.equals(old.get().getMessage(), c.getMessage());
      if (same || told(alreadyNoticed, c) || told(notices, c)) {
        continue;
      }
      notices.add(new PolicyEvents.Notice("Warning", c.getReason(),
          c.getType() + " is " + c.getStatus() + ": " + c.getMessage()));
    }
    return notices;
  }

  private static boolean isReady(Condition c) {
    return ConditionTypes.READY.equals(c.getType());
  }

  /** Whether a notice already carries this condition's reason and message. */
  private static boolean told(List<PolicyEvents.Notice> notices, Condition c) {
    return notices.stream().anyMatch(n -> n.reason().equals(c.getReason())
        && n.message().endsWith(": " + c.getMessage()));
  }

  private static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
