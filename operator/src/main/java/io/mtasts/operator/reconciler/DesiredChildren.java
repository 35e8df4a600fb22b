package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * The children the operator would create for a plan, built by the same code the dependents use;
 * for {@code render}, which shows them without a cluster.
 */
public final class DesiredChildren {

  private DesiredChildren() {}

  /**
   * The ConfigMap, Deployment, Service and Ingress; the Certificate when an issuer is set; the
   * DNSEndpoint when external-dns publishing is asked for (with the plan's own id, as it reads
   * once the policy is served).
   */
  public static List<HasMetadata> of(PolicyPlan plan) {
    List<HasMetadata> children = new ArrayList<>(List.of(
        PolicyConfigMapDependent.desiredFor(plan),
        PolicyDeploymentDependent.desiredFor(plan),
        PolicyServiceDependent.desiredFor(plan),
        PolicyIngressDependent.desiredFor(plan)));
    if (plan.issuer().isPresent()) {
      children.add(PolicyCertificateDependent.desiredFor(plan));
    }
    if (plan.externalDns()) {
      children.add(PolicyDnsEndpointDependent.desiredFor(plan, plan.policyId()));
    }
    return children;
  }
}
