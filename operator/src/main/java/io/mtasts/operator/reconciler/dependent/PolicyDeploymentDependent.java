package io.mtasts.operator.reconciler.dependent;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.reconciler.ReconcileScope;

/**
 * The policy web server: nginx serving the mounted ConfigMap, with the restricted pod security
 * profile. A checksum of the policy and server configuration on the pod template makes every
 * policy change roll the pods.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyDeploymentDependent
    extends CRUDKubernetesDependentResource<Deployment, MtaStsPolicy> {

  public PolicyDeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    return DesiredChildren.deployment(ReconcileScope.from(context).plan());
  }
}
