package io.mtasts.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.reconciler.status.PolicyEvents.Notice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Refusals and stuck rollouts: an Event when they appear or change, none when they repeat. */
class RefusalNoticesTest {

  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
  private static final String QUOTA = "the API server refused Service s (HTTP 403): exceeded quota";

  private static List<Condition> conditions(List<Condition> from,
      UnaryOperator<StatusConditions> change) {
    return change.apply(new StatusConditions(from, 1, NOW)).toList();
  }

  /** What PolicyEvents records for the change: transitions, then refusals beyond them. */
  private static List<Notice> recorded(List<Condition> before, List<Condition> after) {
    List<Notice> notices = new ArrayList<>(PolicyEvents.noticesFor(before, after));
    notices.addAll(RefusalNotices.changed(before, after, notices));
    return notices;
  }

  private static List<Condition> rollingOut() {
    return conditions(null, c -> c
        .set(ConditionTypes.POLICY_SERVED, false, ConditionReasons.ROLLING_OUT, "rolling out")
        .set(ConditionTypes.READY, false, ConditionReasons.ROLLING_OUT, "rolling out"));
  }

  @Test
  void aRefusalOfANewPolicyIsOneWarning() {
    List<Condition> after = conditions(null, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.QUOTA_EXCEEDED, QUOTA));
    assertThat(recorded(null, after)).containsExactly(new Notice("Warning",
        ConditionReasons.QUOTA_EXCEEDED, "Ready is False: " + QUOTA));
  }

  @Test
  void aRefusalReplacingARolloutIsOneWarningThoughReadyStaysFalse() {
    List<Condition> before = rollingOut();
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.QUOTA_EXCEEDED, QUOTA));
    assertThat(recorded(before, after)).containsExactly(new Notice("Warning",
        ConditionReasons.QUOTA_EXCEEDED, "Ready is False: " + QUOTA));
  }

  @Test
  void theSameRefusalAgainIsNoEventAndAChangedMessageIsOne() {
    List<Condition> first = conditions(rollingOut(), c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.ADMISSION_DENIED, "denied: a"));
    List<Condition> again = conditions(first, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.ADMISSION_DENIED, "denied: a"));
    List<Condition> changed = conditions(again, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.ADMISSION_DENIED, "denied: b"));
    assertThat(recorded(first, again)).isEmpty();
    assertThat(recorded(again, changed)).containsExactly(new Notice("Warning",
        ConditionReasons.ADMISSION_DENIED, "Ready is False: denied: b"));
  }

  @Test
  void aStuckRolloutIsOneWarningNotOnePerConditionThatRepeatsIt() {
    List<Condition> before = rollingOut();
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.POLICY_SERVED, false, ConditionReasons.PODS_NOT_CREATED, "quota")
        .set(ConditionTypes.READY, false, ConditionReasons.PODS_NOT_CREATED, "quota"));
    assertThat(recorded(before, after)).containsExactly(new Notice("Warning",
        ConditionReasons.PODS_NOT_CREATED, "PolicyServed is False: quota"));
    assertThat(recorded(null, after)).containsExactly(new Notice("Warning",
        ConditionReasons.PODS_NOT_CREATED, "PolicyServed is False: quota"));
  }
}
