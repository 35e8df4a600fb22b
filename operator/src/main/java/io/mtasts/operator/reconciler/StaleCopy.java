package io.mtasts.operator.reconciler;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;

/**
 * A status write was refused because the copy of the policy the reconcile started from is no
 * longer the stored one (HTTP 409 on its resourceVersion): another write came in between, often
 * this operator's own previous status write that the informer had not delivered yet. The status
 * computed from the older copy must not replace the newer one (it would bring back an id that
 * no longer names the bytes served), so the reconcile ends and runs again, soon, on the newer
 * copy. Thrown by the status write, caught where a reconcile ends.
 */
final class StaleCopy extends RuntimeException {

  private static final long serialVersionUID = 1L;

  StaleCopy(MtaStsPolicy read, MtaStsPolicy stored) {
    super(read.getMetadata().getNamespace() + "/" + read.getMetadata().getName()
        + ": status computed from resourceVersion " + read.getMetadata().getResourceVersion()
        + " not written; the stored policy is at " + stored.getMetadata().getResourceVersion()
        + "; reconciling again", null, false, false);
  }
}
