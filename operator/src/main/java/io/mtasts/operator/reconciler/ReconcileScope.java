package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.PolicyPlan;

/**
 * What one reconcile hands to its dependents and their conditions: the plan derived from the
 * resource and the services they call. The reconciler puts it into the per-reconcile context
 * before it runs the workflow. {@code gatewayApi} says whether Gateway API kinds may be used.
 */
public record ReconcileScope(PolicyPlan plan, EndpointProbe probe, CrdPresence crds,
    boolean gatewayApi) {

  private static final String KEY = "mtasts.reconcileScope";

  /** A scope without Gateway API support. */
  public ReconcileScope(PolicyPlan plan, EndpointProbe probe, CrdPresence crds) {
    this(plan, probe, crds, false);
  }

  public void putInto(Context<MtaStsPolicy> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  public static ReconcileScope from(Context<MtaStsPolicy> context) {
    return context.managedWorkflowAndDependentResourceContext()
        .getMandatory(KEY, ReconcileScope.class);
  }
}
