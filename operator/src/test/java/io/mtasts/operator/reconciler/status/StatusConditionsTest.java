package io.mtasts.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** lastTransitionTime and observedGeneration, as kubectl and status waiters read them. */
class StatusConditionsTest {

  private static final Instant FIRST = Instant.parse("2026-01-01T10:00:00.750Z");
  private static final Instant LATER = Instant.parse("2026-01-01T11:30:00Z");

  private static List<Condition> servedAt(Instant when, long generation) {
    return new StatusConditions(null, generation, when)
        .set(ConditionTypes.POLICY_SERVED, true, "Served", "policy a is served")
        .toList();
  }

  @Test
  void aNewConditionCarriesTheTimeToTheSecondAndTheGeneration() {
    Condition c = servedAt(FIRST, 3).get(0);
    assertThat(c.getType()).isEqualTo(ConditionTypes.POLICY_SERVED);
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(c.getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void theSameStatusKeepsItsTransitionTimeEvenWithANewMessageAndGeneration() {
    List<Condition> after = new StatusConditions(servedAt(FIRST, 3), 4, LATER)
        .set(ConditionTypes.POLICY_SERVED, true, "Served", "policy b is served")
        .toList();
    Condition c = after.get(0);
    assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(c.getMessage()).isEqualTo("policy b is served");
    assertThat(c.getObservedGeneration()).isEqualTo(4L);
  }

  @Test
  void aFlippedStatusGetsTheNewTransitionTime() {
    List<Condition> after = new StatusConditions(servedAt(FIRST, 3), 3, LATER)
        .set(ConditionTypes.POLICY_SERVED, false, "RollingOut", "rolling out")
        .toList();
    assertThat(after.get(0).getStatus()).isEqualTo("False");
    assertThat(after.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T11:30:00Z");
  }

  @Test
  void rewritingTheSameFactsLeavesTheListEqualSoNothingIsWritten() {
    List<Condition> before = servedAt(FIRST, 3);
    List<Condition> after = new StatusConditions(before, 3, LATER)
        .set(ConditionTypes.POLICY_SERVED, true, "Served", "policy a is served")
        .toList();
    assertThat(after).isEqualTo(before);
  }

  @Test
  void theCurrentListIsNotChangedInPlace() {
    List<Condition> before = servedAt(FIRST, 3);
    new StatusConditions(before, 3, LATER)
        .set(ConditionTypes.POLICY_SERVED, false, "RollingOut", "rolling out")
        .remove(ConditionTypes.POLICY_SERVED);
    assertThat(before.get(0).getStatus()).isEqualTo("True");
  }

  @Test
  void transitionsAreAddedConditionsAndChangedStatusesOnly() {
    List<Condition> before = new StatusConditions(null, 1, FIRST)
        .set(ConditionTypes.READY, false, "RollingOut", "a")
        .set(ConditionTypes.POLICY_SERVED, false, "RollingOut", "a")
        .toList();
    List<Condition> after = new StatusConditions(before, 1, LATER)
        .set(ConditionTypes.READY, false, "Issuing", "b")
        .set(ConditionTypes.POLICY_SERVED, true, "Served", "b")
        .set(ConditionTypes.CERTIFICATE_READY, false, "Issuing", "b")
        .toList();
    assertThat(StatusConditions.transitions(before, after)).extracting(Condition::getType)
        .containsExactly(ConditionTypes.POLICY_SERVED, ConditionTypes.CERTIFICATE_READY);
  }
}
