package io.mtasts.operator.reconciler.dependent;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.SharedHost;
import io.mtasts.operator.reconciler.ReconcileScope;

/**
 * The Ingress for {@code mta-sts.<domain>}: TLS with the policy host's Secret and one exact path,
 * so the ingress controller itself answers 404 for anything else.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyIngressDependent extends CRUDKubernetesDependentResource<Ingress, MtaStsPolicy> {

  public PolicyIngressDependent() {
    super(Ingress.class);
  }

  @Override
  protected Ingress desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    return DesiredChildren.ingress(ReconcileScope.from(context).plan());
  }

  /**
   * Precondition: the policy is exposed by an Ingress; once it moves to a Gateway the Ingress is
   * deleted, so the host is not routed twice; likewise once a shared server serves it.
   */
  public static final class ExposedByIngress implements Condition<Ingress, MtaStsPolicy> {
    @Override
    public boolean isMet(DependentResource<Ingress, MtaStsPolicy> dependent,
        MtaStsPolicy primary, Context<MtaStsPolicy> context) {
      // a shared server's policy has its Ingress in the server's namespace (SharedHost)
      return !ReconcileScope.from(context).plan().exposure().isGateway()
          && !SharedHost.applies(ReconcileScope.from(context).plan());
    }
  }
}
