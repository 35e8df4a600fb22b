package io.mtasts.operator.reconciler.dependent;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
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
 * The Gateway API HTTPRoute for {@code mta-sts.<domain>}, in place of the Ingress when the
 * policy is exposed through a Gateway: one exact path to the web server's Service.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyHttpRouteDependent
    extends CRUDKubernetesDependentResource<HTTPRoute, MtaStsPolicy> {

  public PolicyHttpRouteDependent() {
    super(HTTPRoute.class);
  }

  @Override
  protected HTTPRoute desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    PolicyPlan plan = ReconcileScope.from(context).plan();
    return ChildKind.HTTP_ROUTE.isWantedBy(plan)
        ? GatewayChildren.httpRoute(plan) : GatewayChildren.locator(plan, new HTTPRoute());
  }

  /** Activation: Gateway API support is enabled and the CRD is installed. */
  public static final class Active implements Condition<HTTPRoute, MtaStsPolicy> {
    @Override
    public boolean isMet(DependentResource<HTTPRoute, MtaStsPolicy> dependent,
        MtaStsPolicy primary, Context<MtaStsPolicy> context) {
      return GatewayApiConditions.active(ChildKind.HTTP_ROUTE, context);
    }
  }

  /** Precondition: the plan asks for it; otherwise none is kept. */
  public static final class Wanted implements Condition<HTTPRoute, MtaStsPolicy> {
    @Override
    public boolean isMet(DependentResource<HTTPRoute, MtaStsPolicy> dependent,
        MtaStsPolicy primary, Context<MtaStsPolicy> context) {
      return GatewayApiConditions.wanted(ChildKind.HTTP_ROUTE, context);
    }
  }
}
