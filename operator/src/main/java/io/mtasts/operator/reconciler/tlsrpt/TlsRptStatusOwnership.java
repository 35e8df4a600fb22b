package io.mtasts.operator.reconciler.tlsrpt;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;

/**
 * {@code status.tlsRpt} is written by {@link ReceivedReportsWatch}, not by the reconciler; the
 * reconciler's own status writes must neither drop it nor put back an older copy from its cache.
 */
public final class TlsRptStatusOwnership {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private TlsRptStatusOwnership() {}

  /** For a whole replacement: the reconciler's status with the stored summary. */
  public static MtaStsPolicyStatus keepStored(MtaStsPolicyStatus status,
      MtaStsPolicyStatus stored) {
    status.setTlsRpt(stored == null ? null : stored.getTlsRpt());
    return status;
  }

  /**
   * For server-side apply: the reconciler's status without the summary, so the reconciler's
   * field manager never owns (and never reverts) it.
   */
  public static MtaStsPolicyStatus withoutSummary(MtaStsPolicyStatus status) {
    MtaStsPolicyStatus copy = SERIALIZATION.clone(status);
    copy.setTlsRpt(null);
    return copy;
  }
}
