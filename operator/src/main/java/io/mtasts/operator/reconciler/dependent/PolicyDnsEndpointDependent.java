package io.mtasts.operator.reconciler.dependent;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.mtasts.operator.api.externaldns.DNSEndpoint;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.CrdPresence;
import io.mtasts.operator.reconciler.DnsEndpointRetention;
import io.mtasts.operator.reconciler.ReconcileScope;
import java.time.Instant;

/**
 * The external-dns DNSEndpoint with the domain's TXT records. It depends on the web server being
 * ready with the new policy, so it only ever carries an id whose policy is already served.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyDnsEndpointDependent
    extends CRUDKubernetesDependentResource<DNSEndpoint, MtaStsPolicy> {

  public PolicyDnsEndpointDependent() {
    super(DNSEndpoint.class);
  }

  @Override
  protected DNSEndpoint desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    PolicyPlan plan = ReconcileScope.from(context).plan();
    return DesiredChildren.dnsEndpoint(plan, plan.policyId());
  }

  /** Activation: external-dns's DNSEndpoint CRD exists in the cluster. */
  public static final class ExternalDnsInstalled implements Condition<DNSEndpoint, MtaStsPolicy> {
    @Override
    public boolean isMet(
        DependentResource<DNSEndpoint, MtaStsPolicy> dependent,
        MtaStsPolicy primary,
        Context<MtaStsPolicy> context) {
      return ReconcileScope.from(context).crds().isInstalled(CrdPresence.DNS_ENDPOINTS);
    }
  }

  /**
   * Precondition: the resource asks for external-dns publishing; otherwise the DNSEndpoint goes,
   * unless it publishes an id that is not retired yet ({@link DnsEndpointRetention}).
   */
  public static final class ExternalDnsRequested implements Condition<DNSEndpoint, MtaStsPolicy> {
    @Override
    public boolean isMet(
        DependentResource<DNSEndpoint, MtaStsPolicy> dependent,
        MtaStsPolicy primary,
        Context<MtaStsPolicy> context) {
      return ReconcileScope.from(context).plan().externalDns()
          || DnsEndpointRetention.keeps(primary,
              dependent.getSecondaryResource(primary, context).isPresent(), Instant.now());
    }
  }
}
