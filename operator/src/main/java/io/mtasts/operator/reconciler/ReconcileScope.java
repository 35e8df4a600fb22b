package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.PolicyPlan;

/**
 * What one reconcile hands to its dependents and their conditions: the plan derived from the
 * resource and the services they call. The reconciler puts it into the per-reconcile context
 * before it runs the workflow.
 */
public record ReconcileScope(PolicyPlan plan, EndpointProbe probe, CrdPresence crds) {

  private static final String KEY = "mtasts.reconcileScope";

  public void putInto(Context<MtaStsPolicy> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  public static ReconcileScope from(Context<MtaStsPolicy> context) {
    return context.managedWorkflowAndDependentResourceContext()
        .getMandatory(KEY, ReconcileScope.class);
  }
}
