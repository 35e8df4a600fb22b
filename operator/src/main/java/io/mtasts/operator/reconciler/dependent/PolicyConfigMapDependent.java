package io.mtasts.operator.reconciler.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.reconciler.ReconcileScope;

/** The ConfigMap holding the canonical policy bytes and the web server's configuration. */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyConfigMapDependent
    extends CRUDKubernetesDependentResource<ConfigMap, MtaStsPolicy> {

  public PolicyConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    return DesiredChildren.configMap(ReconcileScope.from(context).plan());
  }
}
