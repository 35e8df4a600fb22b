package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mtasts.operator.api.externaldns.DNSEndpoint;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PolicyPlan;
import java.util.List;
import java.util.Objects;

/**
 * The external-dns DNSEndpoint of a policy served by a shared server. Its dependent lives in the
 * workflow of the policy's own web server, which a shared policy does not run; so it is written
 * here, always with the id status advertises, which the shared server was found serving.
 */
final class SharedDnsEndpoint {

  private SharedDnsEndpoint() {}

  /**
   * Creates or updates the DNSEndpoint to publish {@code advertisedId}, when the policy asks for
   * external-dns and its CRD is installed. The conflict check has already made sure that an
   * object at its name is the policy's own.
   */
  static void publish(MtaStsPolicy policy, PolicyPlan plan, String advertisedId,
      CrdPresence crds, KubernetesClient client) {
    if (!plan.externalDns() || advertisedId == null
        || !crds.isInstalled(CrdPresence.DNS_ENDPOINTS)) {
      return;
    }
    DNSEndpoint desired = DesiredChildren.dnsEndpoint(plan, advertisedId);
    desired.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
        .withApiVersion(policy.getApiVersion())
        .withKind(policy.getKind())
        .withName(policy.getMetadata().getName())
        .withUid(policy.getMetadata().getUid())
        .withController(true)
        .build()));
    var resource = client.resources(DNSEndpoint.class).inNamespace(plan.namespace())
        .withName(plan.childName());
    DNSEndpoint existing = resource.get();
    if (existing == null) {
      client.resource(desired).create();
    } else if (!Objects.equals(existing.getSpec(), desired.getSpec())) {
      existing.setSpec(desired.getSpec());
      client.resource(existing).update();
    }
  }
}
