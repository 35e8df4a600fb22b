package io.mtasts.operator.reconciler.dependent;

import io.fabric8.certmanager.api.model.v1.Certificate;
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
import io.mtasts.operator.reconciler.CrdPresence;
import io.mtasts.operator.reconciler.ReconcileScope;

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
    return DesiredChildren.certificate(ReconcileScope.from(context).plan());
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
      // a shared server's policy has its Certificate in the server's namespace (SharedHost)
      return ReconcileScope.from(context).plan().issuer().isPresent()
          && !SharedHost.applies(ReconcileScope.from(context).plan());
    }
  }
}
