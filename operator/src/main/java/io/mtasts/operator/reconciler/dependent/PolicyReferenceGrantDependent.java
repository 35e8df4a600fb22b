package io.mtasts.operator.reconciler.dependent;

import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.ChildKind;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.GatewayChildren;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.ReconcileScope;

/**
 * The ReferenceGrant that lets a Gateway in another namespace read the policy's certificate
 * Secret, for a host listener its owner added to the Gateway.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyReferenceGrantDependent
    extends CRUDKubernetesDependentResource<ReferenceGrant, MtaStsPolicy> {

  public PolicyReferenceGrantDependent() {
    super(ReferenceGrant.class);
  }

  @Override
  protected ReferenceGrant desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    PolicyPlan plan = ReconcileScope.from(context).plan();
    return ChildKind.REFERENCE_GRANT.isWantedBy(plan)
        ? GatewayChildren.referenceGrant(plan) : GatewayChildren.locator(plan, new ReferenceGrant());
  }

  /** Activation: Gateway API support is enabled and the CRD is installed. */
  public static final class Active implements Condition<ReferenceGrant, MtaStsPolicy> {
    @Override
    public boolean isMet(DependentResource<ReferenceGrant, MtaStsPolicy> dependent,
        MtaStsPolicy primary, Context<MtaStsPolicy> context) {
      return GatewayApiConditions.active(ChildKind.REFERENCE_GRANT, context);
    }
  }

  /** Precondition: the plan asks for it; otherwise none is kept. */
  public static final class Wanted implements Condition<ReferenceGrant, MtaStsPolicy> {
    @Override
    public boolean isMet(DependentResource<ReferenceGrant, MtaStsPolicy> dependent,
        MtaStsPolicy primary, Context<MtaStsPolicy> context) {
      return GatewayApiConditions.wanted(ChildKind.REFERENCE_GRANT, context);
    }
  }
}
