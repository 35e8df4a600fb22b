package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.gatewayapi.ListenerSet;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.ExposureSpec;
import io.mtasts.operator.api.v1alpha1.ExposureType;
import io.mtasts.operator.api.v1alpha1.GatewayExposureSpec;
import io.mtasts.operator.api.v1alpha1.GatewayListener;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.testing.Policies;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exposure through the Gateway API: the HTTPRoute (and ListenerSet, ReferenceGrant) replace the
 * Ingress, follow the spec, go when it stops asking for them, and a cluster or operator without
 * the Gateway API is reported rather than tried.
 */
class GatewayExposureTest {

  private static final String CHILD = PolicyLifecycleTest.CHILD;
  private OperatorHarness cluster;

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static MtaStsPolicy onGateway(String namespace, GatewayListener listener) {
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getSpec().setExposure(new ExposureSpec(ExposureType.GATEWAY,
        new GatewayExposureSpec("public", namespace, listener)));
    return policy;
  }

  private OperatorHarness withGatewayApi(boolean listenerSets) throws Exception {
    cluster = new OperatorHarness().with("MTASTS_GATEWAY_API", "true");
    cluster.installGatewayApi(listenerSets);
    return cluster.start();
  }

  @Test
  void aListenerSetAndARouteForExactlyThePolicyHostReplaceTheIngress() throws Exception {
    withGatewayApi(true);
    String uid = cluster.create(onGateway("gateway-system", GatewayListener.LISTENER_SET))
        .getMetadata().getUid();

    HTTPRoute route = cluster.awaitChild(HTTPRoute.class, CHILD, x -> true);
    assertThat(route.getSpec().getHostnames()).containsExactly("mta-sts.example.com");
    ParentReference parent = route.getSpec().getParentRefs().get(0);
    assertThat(route.getSpec().getParentRefs()).hasSize(1);
    assertThat(parent.getKind()).isEqualTo("ListenerSet");
    assertThat(parent.getGroup()).isEqualTo("gateway.networking.k8s.io");
    assertThat(parent.getName()).isEqualTo(CHILD);
    var rule = route.getSpec().getRules().get(0);
    assertThat(rule.getMatches().get(0).getPath().getType()).isEqualTo("Exact");
    assertThat(rule.getMatches().get(0).getPath().getValue())
        .isEqualTo("/.well-known/mta-sts.txt");
    assertThat(rule.getBackendRefs()).singleElement().satisfies(b -> {
      assertThat(b.getKind()).isEqualTo("Service");
      assertThat(b.getName()).isEqualTo(CHILD);
      assertThat(b.getPort()).isEqualTo(80);
    });

    ListenerSet set = cluster.awaitChild(ListenerSet.class, CHILD, x -> true);
    assertThat(set.getSpec().getParentRef().getName()).isEqualTo("public");
    assertThat(set.getSpec().getParentRef().getNamespace()).isEqualTo("gateway-system");
    assertThat(set.getSpec().getParentRef().getKind()).isEqualTo("Gateway");
    Listener listener = set.getSpec().getListeners().get(0);
    assertThat(set.getSpec().getListeners()).hasSize(1);
    assertThat(listener.getName()).isEqualTo(parent.getSectionName());
    assertThat(listener.getHostname()).isEqualTo("mta-sts.example.com");
    assertThat(listener.getProtocol()).isEqualTo("HTTPS");
    assertThat(listener.getPort()).isEqualTo(443);
    assertThat(listener.getTls().getMode()).isEqualTo("Terminate");
    assertThat(listener.getTls().getCertificateRefs()).singleElement().satisfies(ref -> {
      assertThat(ref.getKind()).isEqualTo("Secret");
      assertThat(ref.getName()).isEqualTo("example-tls");
      assertThat(ref.getNamespace()).isNull();
    });
    assertThat(listener.getAllowedRoutes().getNamespaces().getFrom()).isEqualTo("Same");

    for (var child : java.util.List.of(route, set)) {
      assertThat(child.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid)
          .containsExactly(uid);
      assertThat(child.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "mta-sts-operator");
    }
    assertThat(cluster.child(Ingress.class, CHILD)).isNull();
    assertThat(cluster.child(ReferenceGrant.class, CHILD))
        .as("nothing crosses namespaces: the ListenerSet sits next to its Secret").isNull();

    // the probe rule is unchanged: the Service's endpoints serve the policy
    cluster.completeRollout(CHILD);
    cluster.awaitPolicy("example", p -> p.getStatus().condition(ConditionTypes.POLICY_SERVED)
        .map(c -> c.getStatus().equals("True")).orElse(false));
  }

  @Test
  void movingBetweenIngressAndGatewayAndListenersKeepsOnlyWhatTheSpecAsksFor() throws Exception {
    withGatewayApi(true);
    cluster.create(Policies.basic("example", "example.com"));
    cluster.awaitChild(Ingress.class, CHILD, x -> true);
    assertThat(cluster.child(HTTPRoute.class, CHILD)).isNull();

    // to a Gateway: the Ingress goes, the route and listener set come
    cluster.edit("example", p -> p.getSpec().setExposure(
        onGateway("gateway-system", GatewayListener.LISTENER_SET).getSpec().getExposure()));
    cluster.awaitChild(HTTPRoute.class, CHILD, x -> true);
    cluster.awaitChild(ListenerSet.class, CHILD, x -> true);
    awaitGone(Ingress.class);

    // the Gateway's owner adds a listener for the host: the route attaches to it, the listener
    // set goes, and the Gateway in its namespace may read the Secret
    cluster.edit("example", p -> {
      p.getSpec().getExposure().getGateway().setListener(GatewayListener.HOST_LISTENER);
      p.getSpec().getExposure().getGateway().setSectionName("mta-sts-example-com");
    });
    HTTPRoute onGateway = cluster.awaitChild(HTTPRoute.class, CHILD,
        r -> r.getSpec().getParentRefs().get(0).getKind().equals("Gateway"));
    ParentReference parent = onGateway.getSpec().getParentRefs().get(0);
    assertThat(parent.getName()).isEqualTo("public");
    assertThat(parent.getNamespace()).isEqualTo("gateway-system");
    assertThat(parent.getSectionName()).isEqualTo("mta-sts-example-com");
    ReferenceGrant grant = cluster.awaitChild(ReferenceGrant.class, CHILD, x -> true);
    assertThat(grant.getSpec().getFrom()).singleElement().satisfies(from -> {
      assertThat(from.getKind()).isEqualTo("Gateway");
      assertThat(from.getNamespace()).isEqualTo("gateway-system");
    });
    assertThat(grant.getSpec().getTo()).singleElement().satisfies(to -> {
      assertThat(to.getKind()).isEqualTo("Secret");
      assertThat(to.getName()).isEqualTo("example-tls");
    });
    awaitGone(ListenerSet.class);

    // a Gateway in the policy's own namespace needs no grant
    cluster.edit("example", p -> p.getSpec().getExposure().getGateway().setNamespace(null));
    cluster.awaitChild(HTTPRoute.class, CHILD, r -> OperatorHarness.NAMESPACE.equals(
        r.getSpec().getParentRefs().get(0).getNamespace()));
    awaitGone(ReferenceGrant.class);

    // back to an Ingress
    cluster.edit("example", p -> p.getSpec().setExposure(null));
    cluster.awaitChild(Ingress.class, CHILD, x -> true);
    awaitGone(HTTPRoute.class);
  }

  @Test
  void theOperatorsDefaultExposureAppliesToPoliciesThatNameNone() throws Exception {
    cluster = new OperatorHarness()
        .with("MTASTS_GATEWAY_API", "true")
        .with("MTASTS_DEFAULT_EXPOSURE", "Gateway")
        .with("MTASTS_DEFAULT_GATEWAY", "gateway-system/shared")
        .with("MTASTS_DEFAULT_GATEWAY_LISTENER", "WildcardListener")
        .with("MTASTS_DEFAULT_GATEWAY_SECTION", "https-wildcard");
    cluster.installGatewayApi(false);
    cluster.start();
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getSpec().setTls(null);
    cluster.create(policy);

    HTTPRoute route = cluster.awaitChild(HTTPRoute.class, CHILD, x -> true);
    ParentReference parent = route.getSpec().getParentRefs().get(0);
    assertThat(parent.getKind()).isEqualTo("Gateway");
    assertThat(parent.getNamespace()).isEqualTo("gateway-system");
    assertThat(parent.getName()).isEqualTo("shared");
    assertThat(parent.getSectionName()).isEqualTo("https-wildcard");
    // the wildcard listener has its own certificate: the operator grants nothing
    cluster.awaitChild(io.fabric8.kubernetes.api.model.Service.class, CHILD, x -> true);
    assertThat(cluster.child(Ingress.class, CHILD)).isNull();
    assertThat(cluster.child(ReferenceGrant.class, CHILD)).isNull();

    // nothing of the policy's provides the certificate, and that is no problem here: the
    // operator cannot see the Gateway's, so it says so and leaves the check to verification
    cluster.completeRollout(CHILD);
    MtaStsPolicy served = cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().condition(ConditionTypes.POLICY_SERVED)
            .map(c -> c.getStatus().equals("True")).orElse(false)
        && p.getStatus().condition(ConditionTypes.CERTIFICATE_READY).isPresent());
    var certificate = served.getStatus().condition(ConditionTypes.CERTIFICATE_READY).orElseThrow();
    assertThat(certificate.getStatus()).isEqualTo("Unknown");
    assertThat(certificate.getReason()).isEqualTo("CertificateFromGateway");
    assertThat(served.getStatus().condition(ConditionTypes.READY).orElseThrow().getReason())
        .isNotIn("CertificateFromGateway", "NoCertificateSource");
  }

  @Test
  void withoutGatewayApiSupportAGatewayPolicyIsToldAndNothingIsTried() throws Exception {
    cluster = new OperatorHarness();
    cluster.installGatewayApi(true);
    cluster.start();
    cluster.create(onGateway(null, GatewayListener.LISTENER_SET));

    MtaStsPolicy refused = cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().condition(ConditionTypes.READY)
            .map(c -> c.getReason().equals("GatewayApiDisabled")).orElse(false));
    assertThat(refused.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("gatewayApi.enabled=true").contains("spec.exposure.type");
    cluster.create(Policies.basic("other", "example.org"));
    cluster.awaitChild(Ingress.class, "mta-sts-other", x -> true);
    assertThat(cluster.api.requests())
        .noneMatch(r -> r.path().contains("gateway.networking.k8s.io"));
    assertThat(cluster.child(io.fabric8.kubernetes.api.model.ConfigMap.class, CHILD)).isNull();
  }

  @Test
  void aMissingListenerSetCrdIsReportedAndTheIngressStays() throws Exception {
    withGatewayApi(false);
    cluster.create(Policies.basic("example", "example.com"));
    cluster.awaitChild(Ingress.class, CHILD, x -> true);

    cluster.edit("example", p -> p.getSpec().setExposure(
        onGateway("gateway-system", GatewayListener.LISTENER_SET).getSpec().getExposure()));
    MtaStsPolicy missing = cluster.awaitPolicy("example", p -> p.getStatus()
        .condition(ConditionTypes.READY)
        .map(c -> c.getReason().equals("GatewayApiNotInstalled")).orElse(false));
    assertThat(missing.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("listenersets.gateway.networking.k8s.io").contains("HostListener");
    assertThat(cluster.child(Ingress.class, CHILD)).as("the host stays served").isNotNull();
    assertThat(cluster.child(HTTPRoute.class, CHILD)).isNull();

    // a wildcard listener needs no ListenerSet
    cluster.edit("example", p -> p.getSpec().getExposure().getGateway()
        .setListener(GatewayListener.WILDCARD_LISTENER));
    cluster.awaitChild(HTTPRoute.class, CHILD, x -> true);
    awaitGone(Ingress.class);
  }

  @Test
  void aRouteSomeoneElseOwnsIsAConflictAndLeftAlone() throws Exception {
    withGatewayApi(true);
    HTTPRoute theirs = cluster.client.resource(new HTTPRouteBuilder()
        .withNewMetadata().withName(CHILD).withNamespace(OperatorHarness.NAMESPACE)
        .addToLabels("team", "web").endMetadata()
        .withNewSpec().withHostnames("www.example.com").endSpec()
        .build()).create();
    cluster.create(onGateway(null, GatewayListener.LISTENER_SET));

    MtaStsPolicy conflict = cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().condition(ConditionTypes.READY)
            .map(c -> c.getReason().equals("Conflict")).orElse(false));
    assertThat(conflict.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("HTTPRoute " + OperatorHarness.NAMESPACE + "/" + CHILD);
    HTTPRoute after = cluster.child(HTTPRoute.class, CHILD);
    assertThat(after.getSpec().getHostnames()).containsExactly("www.example.com");
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(theirs.getMetadata().getResourceVersion());
  }

  private void awaitGone(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind) {
    org.awaitility.Awaitility.await().atMost(OperatorHarness.TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.child(kind, CHILD) == null);
  }
}
