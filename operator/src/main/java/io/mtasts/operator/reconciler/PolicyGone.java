package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.util.Optional;

/**
 * The policy a reconcile was working on was deleted meanwhile: its status write found no object
 * (404), or a conflict (409) with a policy that is gone or is another one under the same name.
 * The cached copy a reconcile starts from always lags the API server, so this is expected after
 * a deletion and not an error: the reconcile ends without retrying, and the deletion's own
 * event follows. Thrown by the status write, caught where a reconcile ends.
 */
public final class PolicyGone extends RuntimeException {

  private static final long serialVersionUID = 1L;

  PolicyGone(MtaStsPolicy policy, KubernetesClientException cause) {
    super(policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName()
        + " was deleted while it was reconciled (HTTP " + cause.getCode() + ")", cause, false,
        false);
  }

  /** The API server's answer somewhere in {@code failure}'s causes. */
  static Optional<KubernetesClientException> refusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() > 0) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
