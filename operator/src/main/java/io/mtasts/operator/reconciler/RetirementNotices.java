package io.mtasts.operator.reconciler;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.PolicyRetirement;
import io.mtasts.operator.api.v1alpha1.RetirementLookBack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The texts of the Events that end a retirement. */
final class RetirementNotices {

  private RetirementNotices() {}

  /**
   * What senders may still hold when the retire annotation ends a retirement at {@code now}:
   * the advertised policy and every replaced one of the look-back, with until when.
   */
  static String cutShort(MtaStsPolicyStatus status, Instant now, Optional<Duration> cap) {
    List<String> held = new ArrayList<>();
    RetirementLedger.Advertised advertised = RetirementLedger.Advertised.of(status);
    PolicyRetirement record = status == null ? null : status.getRetirement();
    if (advertised.protects()) {
      long maxAge = advertised.policy().orElseThrow().maxAge();
      held.add("policy " + advertised.id() + " (mode "
          + advertised.policy().orElseThrow().mode().token() + ", max_age " + maxAge
          + " s) until " + now.plusSeconds(maxAge).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
    if (record != null && record.getLookBack() != null) {
      for (RetirementLookBack e : record.getLookBack()) {
        if (Instant.parse(e.getCachedUntil()).isAfter(now)) {
          held.add("a replaced policy (max_age " + e.getMaxAge() + " s) until "
              + e.getCachedUntil());
        }
      }
    }
    String prefix = "the annotation mtasts.io/retire=immediate ended the retirement before"
        + " senders' cached policies expired; the policy host and the TXT record go now.";
    if (held.isEmpty()) {
      return prefix + " No enforce or testing policy is known to be still cached.";
    }
    return prefix + " Senders may still hold " + String.join("; ", held) + ": while they do, an"
        + " enforcing sender refuses mail to hosts those policies do not cover";
  }

  static String complete(PolicyRetirement record, Optional<Duration> cap) {
    return "mode none (policy " + record.getPolicyId() + ") was advertised at "
        + record.getRetiredAt() + " and held until "
        + RetirementLedger.safeToDeleteAfter(record, cap).orElseThrow()
        + "; no sender holds an older policy, so the resource and its children are removed";
  }
}
