package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;

/**
 * What one reconcile hands to its dependents and their conditions: the plan derived from the
 * resource and the services they call. The reconciler puts it into the per-reconcile context
 * before it runs the workflow.
 */
public record ReconcileScope(PolicyPlan plan, ServedPolicyProbe probe, CrdPresence crds) {

  private static final String KEY = "mtasts.reconcileScope";

  void putInto(Context<MtaStsPolicy> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  static ReconcileScope from(Context<MtaStsPolicy> context) {
    return context.managedWorkflowAndDependentResourceContext()
        .getMandatory(KEY, ReconcileScope.class);
  }
}
