package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.util.Map;

/** The ConfigMap holding the canonical policy bytes and the web server's configuration. */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyConfigMapDependent
    extends CRUDKubernetesDependentResource<ConfigMap, MtaStsPolicy> {

  public PolicyConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    return desiredFor(ReconcileScope.from(context).plan());
  }

  static ConfigMap desiredFor(PolicyPlan plan) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(plan.childName())
        .withNamespace(plan.namespace())
        .withLabels(plan.labels())
        .endMetadata()
        .withData(Map.of(
            WebServerConfig.POLICY_KEY, plan.policyText(),
            WebServerConfig.CONFIG_KEY, plan.webServerConfig()))
        .build();
  }
}
