package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.util.LinkedHashMap;
import java.util.Map;

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
    return desiredFor(ReconcileScope.from(context).plan());
  }

  static Ingress desiredFor(PolicyPlan plan) {
    Map<String, String> labels = new LinkedHashMap<>(plan.ingressLabels());
    labels.putAll(plan.labels());
    return new IngressBuilder()
        .withNewMetadata()
        .withName(plan.childName())
        .withNamespace(plan.namespace())
        .withLabels(labels)
        .withAnnotations(new LinkedHashMap<>(plan.ingressAnnotations()))
        .endMetadata()
        .withNewSpec()
        .withIngressClassName(plan.ingressClass().isEmpty() ? null : plan.ingressClass())
        .addNewTl()
        .withHosts(plan.policyHost())
        .withSecretName(plan.tlsSecretName())
        .endTl()
        .addNewRule()
        .withHost(plan.policyHost())
        .withNewHttp()
        .addNewPath()
        .withPath(WebServerConfig.POLICY_PATH)
        .withPathType("Exact")
        .withNewBackend()
        .withNewService()
        .withName(plan.childName())
        .withNewPort()
        .withNumber(PolicyServiceDependent.PORT)
        .endPort()
        .endService()
        .endBackend()
        .endPath()
        .endHttp()
        .endRule()
        .endSpec()
        .build();
  }
}
