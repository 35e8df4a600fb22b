package io.mtasts.operator.reconciler.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.reconciler.ReconcileScope;

/** The ClusterIP Service in front of the policy web server pods. */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyServiceDependent extends CRUDKubernetesDependentResource<Service, MtaStsPolicy> {

  public PolicyServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    return DesiredChildren.service(ReconcileScope.from(context).plan());
  }
}
