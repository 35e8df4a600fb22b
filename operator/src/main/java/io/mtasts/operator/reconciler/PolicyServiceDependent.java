package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;

/** The ClusterIP Service in front of the policy web server pods. */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyServiceDependent extends CRUDKubernetesDependentResource<Service, MtaStsPolicy> {

  public static final int PORT = 80;

  public PolicyServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    return desiredFor(ReconcileScope.from(context).plan());
  }

  static Service desiredFor(PolicyPlan plan) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(plan.childName())
        .withNamespace(plan.namespace())
        .withLabels(plan.labels())
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(plan.labels())
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(PORT)
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .endSpec()
        .build();
  }
}
