package io.mtasts.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.reconciler.status.PolicyEvents.Notice;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Which condition changes become Events, and of which type. */
class PolicyEventsTest {

  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  private static List<Condition> conditions(List<Condition> from,
      UnaryOperator<StatusConditions> change) {
    return change.apply(new StatusConditions(from, 1, NOW)).toList();
  }

  @Test
  void aNewPolicyRollingOutWithPendingVerificationRecordsNothing() {
    List<Condition> after = conditions(null, c -> c
        .set(ConditionTypes.POLICY_SERVED, false, ConditionReasons.ROLLING_OUT, "rolling out")
        .set(ConditionTypes.CERTIFICATE_READY, true, ConditionReasons.EXISTING_SECRET, "secret")
        .set(ConditionTypes.VERIFIED, StatusConditions.UNKNOWN, ConditionReasons.PENDING, "later")
        .set(ConditionTypes.READY, false, ConditionReasons.ROLLING_OUT, "rolling out"));
    assertThat(PolicyEvents.noticesFor(null, after)).isEmpty();
  }

  @Test
  void aNewPolicyHandedToASharedServerRecordsNothingAndItsServingIsNormal() {
    List<Condition> handed = conditions(null, c -> c
        .set(ConditionTypes.POLICY_SERVED, false, ConditionReasons.HANDED_OVER, "handed over")
        .set(ConditionTypes.READY, false, ConditionReasons.HANDED_OVER, "handed over"));
    assertThat(PolicyEvents.noticesFor(null, handed)).isEmpty();
    List<Condition> served = conditions(handed, c -> c
        .set(ConditionTypes.POLICY_SERVED, true, ConditionReasons.SERVED, "served")
        .set(ConditionTypes.READY, true, ConditionReasons.READY, "ready"));
    assertThat(PolicyEvents.noticesFor(handed, served)).extracting(Notice::type, Notice::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Normal", ConditionReasons.SERVED));
  }

  @Test
  void waitingForOldPodsOrTheCertificateIsProgressAndAFailedProbeIsAWarning() {
    List<Condition> waiting = conditions(null, c -> c
        .set(ConditionTypes.POLICY_SERVED, false, ConditionReasons.SERVED_POLICY_DIFFERS, "old"));
    assertThat(PolicyEvents.noticesFor(null, waiting)).isEmpty();
    List<Condition> served = conditions(null, c -> c
        .set(ConditionTypes.POLICY_SERVED, true, ConditionReasons.SERVED, "served"));
    List<Condition> certificate = conditions(served, c -> c
        .set(ConditionTypes.POLICY_SERVED, false, ConditionReasons.CERTIFICATE_NOT_READY, "cert"));
    assertThat(PolicyEvents.noticesFor(served, certificate)).extracting(Notice::type)
        .containsExactly("Normal");
    List<Condition> failed = conditions(null, c -> c
        .set(ConditionTypes.POLICY_SERVED, false, ConditionReasons.ENDPOINT_PROBE_FAILED, "503"));
    assertThat(PolicyEvents.noticesFor(null, failed)).containsExactly(new Notice("Warning",
        ConditionReasons.ENDPOINT_PROBE_FAILED, "PolicyServed is False: 503"));
  }

  @Test
  void aProblemAppearingIsAWarningWithItsReason() {
    List<Condition> after = conditions(null, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.CONFLICT, "Service x exists"));
    assertThat(PolicyEvents.noticesFor(null, after)).containsExactly(new Notice("Warning",
        ConditionReasons.CONFLICT, "Ready is False: Service x exists"));
  }

  @Test
  void aRolloutFinishingIsNormal() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.POLICY_SERVED, false, ConditionReasons.ROLLING_OUT, "rolling out"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.POLICY_SERVED, true, ConditionReasons.SERVED, "served"));
    assertThat(PolicyEvents.noticesFor(before, after)).containsExactly(
        new Notice("Normal", ConditionReasons.SERVED, "PolicyServed is True: served"));
  }

  @Test
  void progressAfterAKnownStatusIsNormalNotAWarning() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.CERTIFICATE_READY, true, ConditionReasons.ISSUED, "issued"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.CERTIFICATE_READY, false, ConditionReasons.ISSUING, "renewing"));
    assertThat(PolicyEvents.noticesFor(before, after)).extracting(Notice::type)
        .containsExactly("Normal");
  }

  @Test
  void aFailedVerificationAfterAPassIsAWarning() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.VERIFIED, true, ConditionReasons.PASSED, "ok"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.VERIFIED, false, ConditionReasons.checkFailed("MxCoverage"), "bad"));
    assertThat(PolicyEvents.noticesFor(before, after)).containsExactly(
        new Notice("Warning", "MxCoverageFailed", "Verified is False: bad"));
  }

  @Test
  void aFirstPassingVerificationIsNotAnEvent() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.VERIFIED, StatusConditions.UNKNOWN, ConditionReasons.PENDING, "."));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.VERIFIED, true, ConditionReasons.PASSED, "ok"));
    assertThat(PolicyEvents.noticesFor(before, after)).isEmpty();
  }

  @Test
  void readyIsLeftOutWhenTheConditionBehindItHasItsOwnEvent() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.VERIFIED, true, ConditionReasons.PASSED, "ok")
        .set(ConditionTypes.READY, true, ConditionReasons.READY, "ready"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.VERIFIED, false, "MxCoverageFailed", "bad")
        .set(ConditionTypes.READY, false, "MxCoverageFailed", "bad"));
    assertThat(PolicyEvents.noticesFor(before, after)).extracting(Notice::message)
        .containsExactly("Verified is False: bad");
  }

  @Test
  void aMissingTxtRecordIsOneWarningNotOneForEachConditionThatSaysSo() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.DNS_RECORDS_VERIFIED, StatusConditions.UNKNOWN,
            ConditionReasons.PENDING, ".")
        .set(ConditionTypes.VERIFIED, StatusConditions.UNKNOWN, ConditionReasons.PENDING, "."));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.DNS_RECORDS_VERIFIED, false, "StsTxtRecordFailed", "no TXT record")
        .set(ConditionTypes.VERIFIED, false, "StsTxtRecordFailed", "StsTxtRecord: no TXT"));
    assertThat(PolicyEvents.noticesFor(before, after)).containsExactly(new Notice("Warning",
        "StsTxtRecordFailed", "DnsRecordsVerified is False: no TXT record"));
  }

  @Test
  void verifiedFailingForAnotherReasonThanTheRecordsIsItsOwnWarning() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.DNS_RECORDS_VERIFIED, true, ConditionReasons.PASSED, "ok")
        .set(ConditionTypes.VERIFIED, true, ConditionReasons.PASSED, "ok"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.DNS_RECORDS_VERIFIED, false, "StsTxtRecordFailed", "no TXT record")
        .set(ConditionTypes.VERIFIED, false, "PolicyFetchFailed", "fetch failed"));
    assertThat(PolicyEvents.noticesFor(before, after)).extracting(Notice::reason)
        .containsExactly("StsTxtRecordFailed", "PolicyFetchFailed");
  }

  @Test
  void readyAloneIsRecorded() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.READY, true, ConditionReasons.READY, "ready"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.INVALID_SPEC, "spec.mx is empty"));
    assertThat(PolicyEvents.noticesFor(before, after)).containsExactly(new Notice("Warning",
        ConditionReasons.INVALID_SPEC, "Ready is False: spec.mx is empty"));
  }

  @Test
  void anUnchangedStatusIsNoEventWhateverItsMessage() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.CONFLICT, "Service x exists"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.CONFLICT, "Ingress x exists"));
    assertThat(PolicyEvents.noticesFor(before, after)).isEmpty();
  }

  @Test
  void anInvalidSpecWhileRollingOutIsAWarning() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.ROLLING_OUT, "rolling out"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.INVALID_SPEC, "spec.mx: bad"));
    assertThat(PolicyEvents.noticesFor(before, after)).containsExactly(new Notice("Warning",
        ConditionReasons.INVALID_SPEC, "Ready is False: spec.mx: bad"));
  }

  @Test
  void aRolloutHeldByTheMxGuardIsOneWarning() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.POLICY_SERVED, false, ConditionReasons.ROLLING_OUT, "rolling out")
        .set(ConditionTypes.READY, false, ConditionReasons.ROLLING_OUT, "rolling out"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.POLICY_SERVED, false, ConditionReasons.MX_NOT_COVERED, "uncovered")
        .set(ConditionTypes.READY, false, ConditionReasons.MX_NOT_COVERED, "uncovered"));
    assertThat(PolicyEvents.noticesFor(before, after)).containsExactly(new Notice("Warning",
        ConditionReasons.MX_NOT_COVERED, "PolicyServed is False: uncovered"));
  }

  @Test
  void anIdAdvertisedAgainstTheMxGuardIsAWarning() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.POLICY_SERVED, false, ConditionReasons.MX_NOT_COVERED, "uncovered")
        .set(ConditionTypes.READY, false, ConditionReasons.MX_NOT_COVERED, "uncovered"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.POLICY_SERVED, true, ConditionReasons.MX_GUARD_OVERRIDDEN, "anyway")
        .set(ConditionTypes.READY, true, ConditionReasons.READY, "served"));
    assertThat(PolicyEvents.noticesFor(before, after)).containsExactly(new Notice("Warning",
        ConditionReasons.MX_GUARD_OVERRIDDEN, "PolicyServed is True: anyway"));
    List<Condition> stays = conditions(after, c -> c
        .set(ConditionTypes.POLICY_SERVED, true, ConditionReasons.MX_GUARD_OVERRIDDEN, "anyway"));
    assertThat(PolicyEvents.noticesFor(after, stays)).isEmpty();
  }

  @Test
  void anotherRefusedEditIsAnotherWarning() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.INVALID_SPEC, "spec.mx: bad"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.READY, false, ConditionReasons.INVALID_SPEC, "spec.domain: bad"));
    assertThat(PolicyEvents.noticesFor(before, after)).extracting(Notice::type)
        .containsExactly("Warning");
    assertThat(PolicyEvents.noticesFor(after, after)).isEmpty();
  }

  @Test
  void pausingAndResumingAreNormalEvents() {
    List<Condition> paused = conditions(null, c -> c
        .set(ConditionTypes.PAUSED, true, ConditionReasons.PAUSED_BY_ANNOTATION, "paused"));
    assertThat(PolicyEvents.noticesFor(null, paused)).containsExactly(new Notice("Normal",
        ConditionReasons.PAUSED_BY_ANNOTATION, "Paused is True: paused"));
    List<Condition> resumed = conditions(paused, c -> c
        .set(ConditionTypes.PAUSED, false, ConditionReasons.RESUMED, "resumed"));
    assertThat(PolicyEvents.noticesFor(paused, resumed)).extracting(Notice::type)
        .containsExactly("Normal");
  }

  @Test
  void aPauseValueThatIsNoBooleanIsAWarning() {
    List<Condition> after = conditions(null, c -> c
        .set(ConditionTypes.PAUSED, true, ConditionReasons.INVALID_PAUSE_VALUE, "not a boolean"));
    assertThat(PolicyEvents.noticesFor(null, after)).extracting(Notice::type)
        .containsExactly("Warning");
  }

  @Test
  void conditionsMarkedNotEvaluatedAreNoEvents() {
    List<Condition> before = conditions(null, c -> c
        .set(ConditionTypes.CERTIFICATE_READY, true, ConditionReasons.EXISTING_SECRET, "ok"));
    List<Condition> after = conditions(before, c -> c
        .set(ConditionTypes.CERTIFICATE_READY, StatusConditions.UNKNOWN,
            ConditionReasons.NOT_EVALUATED, "not evaluated"));
    assertThat(PolicyEvents.noticesFor(before, after)).isEmpty();
  }
}
