package io.mtasts.operator.plan;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.gatewayapi.ListenerSet;
import io.mtasts.operator.api.externaldns.DNSEndpoint;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The set of children of a policy, declared once: {@code render}, the conflict check and the
 * desired objects all iterate this, and a test holds the reconciler's workflow to it. The order
 * is the order {@code render} prints them in.
 */
public enum ChildKind {
  CONFIG_MAP(ConfigMap.class, null, ChildKind::ownServer, DesiredChildren::configMap),
  DEPLOYMENT(Deployment.class, null, ChildKind::ownServer, DesiredChildren::deployment),
  SERVICE(Service.class, null, ChildKind::ownServer, DesiredChildren::service),
  // a shared server's policy has its Ingress and Certificate in the server's namespace
  INGRESS(Ingress.class, null, plan -> !plan.exposure().isGateway() && !SharedHost.applies(plan),
      DesiredChildren::ingress),
  HTTP_ROUTE(HTTPRoute.class, "httproutes.gateway.networking.k8s.io",
      plan -> plan.exposure().isGateway(), GatewayChildren::httpRoute),
  LISTENER_SET(ListenerSet.class, "listenersets.gateway.networking.k8s.io",
      plan -> plan.exposure().usesListenerSet(), GatewayChildren::listenerSet),
  REFERENCE_GRANT(ReferenceGrant.class, "referencegrants.gateway.networking.k8s.io",
      plan -> plan.exposure().grantsSecretTo(plan.namespace()), GatewayChildren::referenceGrant),
  CERTIFICATE(Certificate.class, "certificates.cert-manager.io",
      plan -> plan.issuer().isPresent() && !SharedHost.applies(plan),
      DesiredChildren::certificate),
  // with the plan's own id, as it reads once the policy is served
  DNS_ENDPOINT(DNSEndpoint.class, "dnsendpoints.externaldns.k8s.io",
      PolicyPlan::externalDns, plan -> DesiredChildren.dnsEndpoint(plan, plan.policyId()));

  /** A policy served by a shared MtaStsPolicyServer has no web server of its own. */
  private static boolean ownServer(PolicyPlan plan) {
    return plan.sharedServer().isEmpty();
  }

  private final Class<? extends HasMetadata> type;
  private final String crd;
  private final Predicate<PolicyPlan> wanted;
  private final Function<PolicyPlan, HasMetadata> desired;

  ChildKind(Class<? extends HasMetadata> type, String crd, Predicate<PolicyPlan> wanted,
      Function<PolicyPlan, HasMetadata> desired) {
    this.type = type;
    this.crd = crd;
    this.wanted = wanted;
    this.desired = desired;
  }

  public Class<? extends HasMetadata> type() {
    return type;
  }

  /**
   * The CRD of a kind from an optional API (cert-manager, external-dns, Gateway API); empty for
   * core kinds.
   */
  public Optional<String> crd() {
    return Optional.ofNullable(crd);
  }

  /** Whether the plan asks for this child at all, whatever the cluster has installed. */
  public boolean isWantedBy(PolicyPlan plan) {
    return wanted.test(plan);
  }

  /** Whether the kind belongs to the Gateway API, which the operator uses only when enabled. */
  public boolean isGatewayApi() {
    return crd != null && crd.endsWith("." + GatewayChildren.GROUP);
  }

  public HasMetadata desired(PolicyPlan plan) {
    return desired.apply(plan);
  }
}
