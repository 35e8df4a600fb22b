package io.mtasts.operator.reconciler.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.ChildKind;
import io.mtasts.operator.reconciler.ReconcileScope;

/**
 * When a Gateway API child takes part in the workflow. Activation needs Gateway API support
 * enabled (without it the operator has no RBAC for these kinds, so even an informer would be
 * refused) and the kind's CRD installed; the precondition is the plan asking for the child, so a
 * child the plan stops asking for is deleted.
 */
final class GatewayApiConditions {

  private GatewayApiConditions() {}

  static boolean active(ChildKind kind, Context<MtaStsPolicy> context) {
    ReconcileScope scope = ReconcileScope.from(context);
    return scope.gatewayApi() && scope.crds().isInstalled(kind.crd().orElseThrow());
  }

  static boolean wanted(ChildKind kind, Context<MtaStsPolicy> context) {
    return kind.isWantedBy(ReconcileScope.from(context).plan());
  }
}
