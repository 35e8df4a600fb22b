package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.api.v1alpha1.PolicyRetirement;
import io.mtasts.operator.api.v1alpha1.RetirementLookBack;
import io.mtasts.operator.reconciler.RetirementLedger.Advertised;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The deadline arithmetic of retirement, without a cluster. */
class RetirementLedgerTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static Advertised policy(String id, String mode, long maxAge) {
    return new Advertised(id, "version: STSv1\r\nmode: " + mode + "\r\n"
        + (mode.equals("none") ? "" : "mx: mail.example.com\r\n") + "max_age: " + maxAge
        + "\r\n");
  }

  static final Advertised NOTHING = new Advertised(null, null);

  @Test
  void modeNoneIsHeldForTheMaxAgeOfThePolicyItReplaces() {
    PolicyRetirement r = RetirementLedger.advance(null, policy("a", "enforce", 86400),
        policy("b", "none", 86400), T0, true, 0, Optional.empty());

    assertThat(r.getPolicyId()).isEqualTo("b");
    assertThat(r.getRetiredAt()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(r.getHoldSeconds()).isEqualTo(86400);
    assertThat(r.getSafeToDeleteAfter()).isEqualTo("2026-01-02T00:00:00Z");
    assertThat(r.getStartedAt()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(RetirementLedger.complete(r, T0.plusSeconds(86399), Optional.empty())).isFalse();
    assertThat(RetirementLedger.complete(r, T0.plusSeconds(86400), Optional.empty())).isTrue();
  }

  @Test
  void aLargerMaxAgeEarlierInTheLookBackStillCounts() {
    // a year-long testing policy replaced by a one-day enforce policy an hour ago
    PolicyRetirement r = RetirementLedger.advance(null, policy("a", "testing", 31_557_600),
        policy("b", "enforce", 86400), T0, false, 0, Optional.empty());
    assertThat(r.getLookBack()).containsExactly(
        new RetirementLookBack(31_557_600L, T0.plusSeconds(31_557_600).toString()));
    assertThat(r.getPolicyId()).isNull();

    Instant later = T0.plusSeconds(3600);
    PolicyRetirement retired = RetirementLedger.advance(r, policy("b", "enforce", 86400),
        policy("c", "none", 86400), later, true, 0, Optional.empty());
    assertThat(retired.getHoldSeconds()).isEqualTo(31_557_600);
    assertThat(retired.getSafeToDeleteAfter())
        .isEqualTo(later.plusSeconds(31_557_600).toString());
  }

  @Test
  void aReplacedPolicyWhoseCopiesExpiredBeforeModeNoneIsLeftOut() {
    PolicyRetirement r = RetirementLedger.advance(null, policy("a", "testing", 604800),
        policy("b", "enforce", 3600), T0, false, 0, Optional.empty());
    Instant afterExpiry = T0.plusSeconds(604800 + 1);
    PolicyRetirement retired = RetirementLedger.advance(r, policy("b", "enforce", 3600),
        policy("c", "none", 3600), afterExpiry, true, 0, Optional.empty());
    assertThat(retired.getHoldSeconds()).isEqualTo(3600);
  }

  @Test
  void theRecordStaysTheSameOnEveryLaterReconcileAndAfterARestart() {
    PolicyRetirement r = RetirementLedger.advance(null, policy("a", "enforce", 600),
        policy("b", "none", 600), T0, true, 0, Optional.empty());
    PolicyRetirement again = RetirementLedger.advance(r, policy("b", "none", 600),
        policy("b", "none", 600), T0.plusSeconds(300), true, 0, Optional.empty());
    assertThat(again.getRetiredAt()).isEqualTo(r.getRetiredAt());
    assertThat(again.getSafeToDeleteAfter()).isEqualTo(r.getSafeToDeleteAfter());
    assertThat(again.getStartedAt()).isEqualTo(r.getStartedAt());
  }

  @Test
  void bytesRollingOutWhenTheDeletionCameAreInTheLookBack() {
    PolicyRetirement r = RetirementLedger.advance(null, policy("a", "testing", 60),
        policy("b", "none", 60), T0, true, 7200, Optional.empty());
    assertThat(r.getHoldSeconds()).isEqualTo(7200);
  }

  @Test
  void theCapShortensTheHoldButTheRecordKeepsTheMaxAge() {
    PolicyRetirement r = RetirementLedger.advance(null, policy("a", "enforce", 604800),
        policy("b", "none", 604800), T0, true, 0, Optional.of(Duration.ofHours(1)));
    assertThat(r.getHoldSeconds()).isEqualTo(604800);
    assertThat(r.getSafeToDeleteAfter()).isEqualTo("2026-01-01T01:00:00Z");
    assertThat(RetirementLedger.safeToDeleteAfter(r, Optional.of(Duration.ofDays(30))))
        .contains(T0.plusSeconds(604800));
    assertThat(RetirementLedger.safeToDeleteAfter(r, Optional.of(Duration.ZERO)))
        .contains(T0);
  }

  @Test
  void modeNoneByHandGivesTheSameFieldsWithoutAStart() {
    PolicyRetirement r = RetirementLedger.advance(null, policy("a", "enforce", 86400),
        policy("b", "none", 86400), T0, false, 0, Optional.empty());
    assertThat(r.getStartedAt()).isNull();
    assertThat(r.getRetiredAt()).isEqualTo(T0.toString());
    assertThat(r.getSafeToDeleteAfter()).isEqualTo(T0.plusSeconds(86400).toString());
  }

  @Test
  void goingBackToEnforceEndsTheRetirementButKeepsTheLookBack() {
    PolicyRetirement r = RetirementLedger.advance(null, policy("a", "enforce", 86400),
        policy("b", "none", 86400), T0, false, 0, Optional.empty());
    PolicyRetirement back = RetirementLedger.advance(r, policy("b", "none", 86400),
        policy("c", "enforce", 86400), T0.plusSeconds(60), false, 0, Optional.empty());
    assertThat(back.getPolicyId()).isNull();
    assertThat(back.getSafeToDeleteAfter()).isNull();
    assertThat(back.getLookBack()).extracting(RetirementLookBack::getMaxAge)
        .containsExactly(86400L);
  }

  @Test
  void aPolicyThatNeverProtectedMailHasNothingToHold() {
    assertThat(RetirementLedger.advance(null, NOTHING, policy("a", "testing", 60), T0, false, 0,
        Optional.empty())).isNull();
    PolicyRetirement none = RetirementLedger.advance(null, NOTHING, policy("a", "none", 60), T0,
        false, 0, Optional.empty());
    assertThat(none.getHoldSeconds()).isZero();
    assertThat(RetirementLedger.complete(none, T0, Optional.empty())).isTrue();
  }

  @Test
  void theLookBackKeepsOnlyWhatAnotherEntryDoesNotOutlast() {
    List<RetirementLookBack> kept = RetirementLedger.prune(List.of(
        new RetirementLookBack(100, T0.plusSeconds(100).toString()),
        new RetirementLookBack(50, T0.plusSeconds(90).toString()),
        new RetirementLookBack(60, T0.plusSeconds(200).toString()),
        new RetirementLookBack(500, T0.minusSeconds(1).toString())), T0);
    assertThat(kept).extracting(RetirementLookBack::getMaxAge).containsExactly(100L, 60L);
  }
}
