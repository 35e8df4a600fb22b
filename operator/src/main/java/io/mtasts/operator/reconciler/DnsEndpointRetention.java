package io.mtasts.operator.reconciler;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.PolicyRetirement;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Whether a DNSEndpoint stays after {@code spec.dns.externalDns} was turned off. Deleting it
 * makes external-dns remove the {@code _mta-sts} TXT record, which RFC 8461 section 8.3 allows
 * only after mode none was held for the max_age senders may have cached; without the record,
 * senders that cached an enforce policy keep it until it expires and never learn of a change.
 * So the DNSEndpoint is kept, and kept up to date with the advertised id, while an id is
 * advertised, until the policy is retired ({@code mode: none} held long enough, or the
 * resource deleted and retired), or the user ends that with {@code mtasts.io/retire: immediate}.
 */
public final class DnsEndpointRetention {

  private DnsEndpointRetention() {}

  /**
   * @param endpointExists whether the policy's DNSEndpoint exists now
   */
  public static boolean keeps(MtaStsPolicy policy, boolean endpointExists, Instant now) {
    if (!endpointExists || RetireAnnotation.immediate(policy)) {
      return false;
    }
    MtaStsPolicyStatus status = policy.getStatus();
    if (status == null || status.getPolicyId() == null) {
      return false;
    }
    RetirementLedger.Advertised advertised = RetirementLedger.Advertised.of(status);
    if (!advertised.isNone()) {
      return true;
    }
    PolicyRetirement record = status.getRetirement();
    if (record == null || !status.getPolicyId().equals(record.getPolicyId())
        || record.getSafeToDeleteAfter() == null) {
      return true;
    }
    try {
      return now.isBefore(Instant.parse(record.getSafeToDeleteAfter()));
    } catch (DateTimeParseException e) {
      return true;
    }
  }
}
