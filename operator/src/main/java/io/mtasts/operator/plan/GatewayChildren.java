package io.mtasts.operator.plan;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantBuilder;
import io.mtasts.operator.api.gatewayapi.ListenerSet;
import java.util.List;

/**
 * The Gateway API children of a plan whose exposure is a Gateway: the HTTPRoute for the policy
 * host, the ListenerSet that terminates TLS for it, and the ReferenceGrant that lets a Gateway in
 * another namespace read its certificate Secret. Like {@link DesiredChildren}, these are exactly
 * the objects the dependents apply and {@code render} prints.
 */
public final class GatewayChildren {

  static final String GROUP = ListenerSet.GROUP;

  private GatewayChildren() {}

  /**
   * The route for {@code mta-sts.<domain>}: one exact path to the web server's Service, so the
   * Gateway itself answers 404 for anything else. It attaches to the operator's ListenerSet, or
   * to the named Gateway (and listener) when the Gateway's owner provides the listener.
   */
  public static HTTPRoute httpRoute(PolicyPlan plan) {
    PolicyExposure.GatewayTarget gateway = target(plan);
    ParentReference parent = plan.exposure().usesListenerSet()
        ? new ParentReferenceBuilder()
            .withGroup(GROUP)
            .withKind("ListenerSet")
            .withName(plan.childName())
            .withSectionName(PolicyExposure.LISTENER_NAME)
            .build()
        : new ParentReferenceBuilder()
            .withGroup(GROUP)
            .withKind("Gateway")
            .withName(gateway.name())
            .withNamespace(gateway.namespace())
            .withSectionName(gateway.sectionName().orElse(null))
            .build();
    return new HTTPRouteBuilder()
        .withMetadata(metadata(plan))
        .withNewSpec()
        .withParentRefs(parent)
        .withHostnames(plan.policyHost())
        .addNewRule()
        .addNewMatch()
        .withNewPath()
        .withType("Exact")
        .withValue(WebServerConfig.POLICY_PATH)
        .endPath()
        .endMatch()
        .addNewBackendRef()
        .withGroup("")
        .withKind("Service")
        .withName(plan.childName())
        .withPort(DesiredChildren.SERVICE_PORT)
        .endBackendRef()
        .endRule()
        .endSpec()
        .build();
  }

  /**
   * The ListenerSet that adds one HTTPS listener for exactly the policy host to the Gateway,
   * terminating TLS with the plan's certificate Secret. It lives next to the Secret, so no
   * ReferenceGrant is needed; the Gateway must allow ListenerSets from this namespace
   * ({@code spec.allowedListeners}). Only routes of this namespace may attach to it.
   */
  public static ListenerSet listenerSet(PolicyPlan plan) {
    PolicyExposure.GatewayTarget gateway = target(plan);
    Listener listener = new ListenerBuilder()
        .withName(PolicyExposure.LISTENER_NAME)
        .withHostname(plan.policyHost())
        .withPort(gateway.port())
        .withProtocol("HTTPS")
        .withNewTls()
        .withMode("Terminate")
        .addNewCertificateRef()
        .withGroup("")
        .withKind("Secret")
        .withName(plan.tlsSecretName())
        .endCertificateRef()
        .endTls()
        .withNewAllowedRoutes()
        .withNewNamespaces()
        .withFrom("Same")
        .endNamespaces()
        .endAllowedRoutes()
        .build();
    ListenerSet set = new ListenerSet();
    set.setMetadata(metadata(plan));
    set.setSpec(new ListenerSet.Spec(new ListenerSet.ParentGatewayReference(GROUP, "Gateway",
        gateway.name(), gateway.namespace()), List.of(listener)));
    return set;
  }

  /**
   * Lets Gateways of the Gateway's namespace read the plan's certificate Secret, and nothing
   * else of this namespace: a listener for the host on a Gateway elsewhere references it.
   */
  public static ReferenceGrant referenceGrant(PolicyPlan plan) {
    PolicyExposure.GatewayTarget gateway = target(plan);
    return new ReferenceGrantBuilder()
        .withMetadata(metadata(plan))
        .withNewSpec()
        .addNewFrom()
        .withGroup(GROUP)
        .withKind("Gateway")
        .withNamespace(gateway.namespace())
        .endFrom()
        .addNewTo()
        .withGroup("")
        .withKind("Secret")
        .withName(plan.tlsSecretName())
        .endTo()
        .endSpec()
        .build();
  }

  /**
   * Only the name, namespace and labels of a child of {@code kind}: what stands for a child the
   * plan no longer asks for, since the framework finds the object it deletes by the desired
   * object's name and namespace.
   */
  public static <T extends HasMetadata> T locator(PolicyPlan plan, T empty) {
    empty.setMetadata(metadata(plan));
    return empty;
  }

  private static PolicyExposure.GatewayTarget target(PolicyPlan plan) {
    return plan.exposure().gateway().orElseThrow(() -> new IllegalStateException(
        "the plan of " + plan.childName() + " is exposed by an Ingress, not a Gateway"));
  }

  private static ObjectMeta metadata(PolicyPlan plan) {
    return new ObjectMetaBuilder()
        .withName(plan.childName())
        .withNamespace(plan.namespace())
        .withLabels(plan.labels())
        .build();
  }
}
