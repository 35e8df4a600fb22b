package io.mtasts.operator.reconciler.dependent;

import io.mtasts.operator.api.gatewayapi.ListenerSet;
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
 * The ListenerSet that gives the Gateway an HTTPS listener for exactly the policy host, with the
 * policy's certificate Secret: one per host, so a shared Gateway needs no listener of its own for
 * each domain (a Gateway holds at most 64).
 */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyListenerSetDependent
    extends CRUDKubernetesDependentResource<ListenerSet, MtaStsPolicy> {

  public PolicyListenerSetDependent() {
    super(ListenerSet.class);
  }

  @Override
  protected ListenerSet desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    PolicyPlan plan = ReconcileScope.from(context).plan();
    return ChildKind.LISTENER_SET.isWantedBy(plan)
        ? GatewayChildren.listenerSet(plan) : GatewayChildren.locator(plan, new ListenerSet());
  }

  /** Activation: Gateway API support is enabled and the CRD is installed. */
  public static final class Active implements Condition<ListenerSet, MtaStsPolicy> {
    @Override
    public boolean isMet(DependentResource<ListenerSet, MtaStsPolicy> dependent,
        MtaStsPolicy primary, Context<MtaStsPolicy> context) {
      return GatewayApiConditions.active(ChildKind.LISTENER_SET, context);
    }
  }

  /** Precondition: the plan asks for it; otherwise none is kept. */
  public static final class Wanted implements Condition<ListenerSet, MtaStsPolicy> {
    @Override
    public boolean isMet(DependentResource<ListenerSet, MtaStsPolicy> dependent,
        MtaStsPolicy primary, Context<MtaStsPolicy> context) {
      return GatewayApiConditions.wanted(ChildKind.LISTENER_SET, context);
    }
  }
}
