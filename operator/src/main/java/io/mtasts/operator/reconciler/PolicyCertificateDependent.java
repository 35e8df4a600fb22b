package io.mtasts.operator.reconciler;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.mtasts.operator.api.v1alpha1.IssuerRef;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;

/**
 * The cert-manager Certificate for exactly {@code mta-sts.<domain>}, written to the Secret the
 * Ingress uses. Created only when an issuer is configured and cert-manager is installed.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyCertificateDependent
    extends CRUDKubernetesDependentResource<Certificate, MtaStsPolicy> {

  public PolicyCertificateDependent() {
    super(Certificate.class);
  }

  @Override
  protected Certificate desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    return desiredFor(ReconcileScope.from(context).plan());
  }

  static Certificate desiredFor(PolicyPlan plan) {
    IssuerRef issuer = plan.issuer().orElseThrow();
    return new CertificateBuilder()
        .withNewMetadata()
        .withName(plan.childName())
        .withNamespace(plan.namespace())
        .withLabels(plan.labels())
        .endMetadata()
        .withNewSpec()
        .withSecretName(plan.tlsSecretName())
        .withDnsNames(plan.policyHost())
        .withNewIssuerRef()
        .withName(issuer.getName())
        .withKind(issuer.effectiveKind().value())
        .withGroup(issuer.effectiveGroup())
        .endIssuerRef()
        .withNewPrivateKey()
        .withRotationPolicy("Always")
        .endPrivateKey()
        .endSpec()
        .build();
  }

  /** Activation: cert-manager's Certificate CRD exists in the cluster. */
  public static final class CertManagerInstalled implements Condition<Certificate, MtaStsPolicy> {
    @Override
    public boolean isMet(
        DependentResource<Certificate, MtaStsPolicy> dependent,
        MtaStsPolicy primary,
        Context<MtaStsPolicy> context) {
      return ReconcileScope.from(context).crds().isInstalled(CrdPresence.CERTIFICATES);
    }
  }

  /** Precondition: the resource or the operator names an issuer; otherwise none is kept. */
  public static final class IssuerConfigured implements Condition<Certificate, MtaStsPolicy> {
    @Override
    public boolean isMet(
        DependentResource<Certificate, MtaStsPolicy> dependent,
        MtaStsPolicy primary,
        Context<MtaStsPolicy> context) {
      return ReconcileScope.from(context).plan().issuer().isPresent();
    }
  }
}
