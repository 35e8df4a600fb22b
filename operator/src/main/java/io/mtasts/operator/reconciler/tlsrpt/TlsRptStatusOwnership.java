package io.mtasts.operator.reconciler.tlsrpt;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.TlsRptStatus;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code status.tlsRpt} is written by {@link ReceivedReportsWatch}, not by the reconciler; the
 * reconciler's own status writes must neither drop it nor put back an older copy. A whole
 * replacement starts from the reconciler's copy of the policy, which may predate the last summary,
 * so the summary last written in this process is remembered here and wins over that copy.
 */
public final class TlsRptStatusOwnership {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  /** By policy uid: the summary last written (empty: removed). */
  private static final Map<String, Optional<TlsRptStatus>> WRITTEN = new ConcurrentHashMap<>();

  private TlsRptStatusOwnership() {}

  static void written(String uid, TlsRptStatus summary) {
    if (uid != null) {
      WRITTEN.put(uid, Optional.ofNullable(summary));
    }
  }

  /** The summary last written for a policy in this process, if any. */
  static Optional<Optional<TlsRptStatus>> lastWritten(String uid) {
    return uid == null ? Optional.empty() : Optional.ofNullable(WRITTEN.get(uid));
  }

  static void forget(String uid) {
    if (uid != null) {
      WRITTEN.remove(uid);
    }
  }

  /** For a whole replacement of {@code target}'s status: the reconciler's, with the summary. */
  public static MtaStsPolicyStatus keepStored(MtaStsPolicyStatus status, MtaStsPolicy target) {
    MtaStsPolicyStatus stored = target.getStatus();
    status.setTlsRpt(lastWritten(target.getMetadata().getUid())
        .orElseGet(() -> Optional.ofNullable(stored == null ? null : stored.getTlsRpt()))
        .orElse(null));
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
