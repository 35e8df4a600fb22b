package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.gatewayapi.ListenerSet;
import io.mtasts.operator.api.v1alpha1.ExposureSpec;
import io.mtasts.operator.api.v1alpha1.ExposureType;
import io.mtasts.operator.api.v1alpha1.GatewayExposureSpec;
import io.mtasts.operator.api.v1alpha1.GatewayListener;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.runtime.OperatorRuntime;
import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.testing.RequiredComponent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gateway API exposure on a real API server with the Gateway API's own CRDs (the pinned
 * sigs.k8s.io/gateway-api version that e2e/control-plane.sh installs): the HTTPRoute and
 * ListenerSet pass the upstream schema and CEL rules, follow the policy's spec, settle without
 * rewrite loops against the server's defaulting, and are removed by the operator or by garbage
 * collection.
 */
class GatewayApiE2E {

  private static final String CHILD = "mta-sts-example";
  private static final String GATEWAY_NAMESPACE = "gateway-system";

  private RealCluster cluster;
  private OperatorRuntime operator;

  @BeforeEach
  void start() throws Exception {
    cluster = RealCluster.connect("gateway");
    for (String crd : List.of("httproutes", "listenersets", "referencegrants")) {
      RequiredComponent.require(cluster.admin.resources(CustomResourceDefinition.class)
              .withName(crd + ".gateway.networking.k8s.io").get() != null,
          "the Gateway API CRDs in the cluster (e2e/control-plane.sh installs them)");
    }
    operator = E2EOperator.start(cluster, "e2e-gateway", Map.of("MTASTS_GATEWAY_API", "true"));
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static MtaStsPolicy onGateway(String name, GatewayListener listener) {
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getSpec().setExposure(new ExposureSpec(ExposureType.GATEWAY,
        new GatewayExposureSpec(name, GATEWAY_NAMESPACE, listener)));
    return policy;
  }

  private void edit(Consumer<MtaStsPolicy> change) {
    for (int attempt = 0; ; attempt++) {
      MtaStsPolicy current = cluster.get("example");
      change.accept(current);
      try {
        cluster.admin.resource(current).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private void awaitGone(Class<? extends HasMetadata> kind) {
    await().atMost(RealCluster.TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.child(kind, CHILD) == null);
  }

  private static ParentReference parentOf(HTTPRoute route) {
    assertThat(route.getSpec().getParentRefs()).hasSize(1);
    return route.getSpec().getParentRefs().get(0);
  }

  @Test
  void routesAndListenerSetsAreCreatedUpdatedAndRemoved() throws Exception {
    String uid = cluster.create(onGateway("public", GatewayListener.LISTENER_SET))
        .getMetadata().getUid();

    // created, owned, and accepted by the upstream schema as the operator wrote them
    HTTPRoute route = cluster.awaitChild(HTTPRoute.class, CHILD, x -> true);
    ListenerSet set = cluster.awaitChild(ListenerSet.class, CHILD, x -> true);
    for (HasMetadata child : List.of(route, set)) {
      assertThat(child.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid)
          .containsExactly(uid);
    }
    assertThat(route.getSpec().getHostnames()).containsExactly("mta-sts.example.com");
    assertThat(parentOf(route).getKind()).isEqualTo("ListenerSet");
    assertThat(parentOf(route).getName()).isEqualTo(CHILD);
    assertThat(route.getSpec().getRules().get(0).getBackendRefs().get(0).getName())
        .isEqualTo(CHILD);
    assertThat(set.getSpec().getParentRef().getName()).isEqualTo("public");
    assertThat(set.getSpec().getParentRef().getNamespace()).isEqualTo(GATEWAY_NAMESPACE);
    assertThat(set.getSpec().getListeners().get(0).getHostname())
        .isEqualTo("mta-sts.example.com");
    assertThat(set.getSpec().getListeners().get(0).getTls().getCertificateRefs().get(0)
        .getName()).isEqualTo("example-tls");
    assertThat(cluster.child(Ingress.class, CHILD)).isNull();

    // the server's defaults (weights, groups) do not make the operator rewrite them
    Thread.sleep(3000);
    assertThat(cluster.child(HTTPRoute.class, CHILD).getMetadata().getGeneration())
        .isEqualTo(route.getMetadata().getGeneration());
    assertThat(cluster.child(ListenerSet.class, CHILD).getMetadata().getGeneration())
        .isEqualTo(set.getMetadata().getGeneration());

    // updated: another Gateway
    edit(p -> p.getSpec().getExposure().getGateway().setName("internal"));
    cluster.awaitChild(ListenerSet.class, CHILD,
        s -> s.getSpec().getParentRef().getName().equals("internal"));

    // updated: a host listener the Gateway's owner added; the route attaches to it, the
    // ListenerSet goes and the Gateway's namespace may read the Secret
    edit(p -> {
      p.getSpec().getExposure().getGateway().setListener(GatewayListener.HOST_LISTENER);
      p.getSpec().getExposure().getGateway().setSectionName("mta-sts-example-com");
    });
    HTTPRoute onGateway = cluster.awaitChild(HTTPRoute.class, CHILD,
        r -> parentOf(r).getKind().equals("Gateway"));
    assertThat(parentOf(onGateway).getName()).isEqualTo("internal");
    assertThat(parentOf(onGateway).getNamespace()).isEqualTo(GATEWAY_NAMESPACE);
    assertThat(parentOf(onGateway).getSectionName()).isEqualTo("mta-sts-example-com");
    ReferenceGrant grant = cluster.awaitChild(ReferenceGrant.class, CHILD, x -> true);
    assertThat(grant.getSpec().getFrom().get(0).getNamespace()).isEqualTo(GATEWAY_NAMESPACE);
    assertThat(grant.getSpec().getTo().get(0).getName()).isEqualTo("example-tls");
    awaitGone(ListenerSet.class);

    // removed by the operator: back to an Ingress
    edit(p -> p.getSpec().setExposure(null));
    cluster.awaitChild(Ingress.class, CHILD, x -> true);
    awaitGone(HTTPRoute.class);
    awaitGone(ReferenceGrant.class);

    // removed with the policy: the garbage collector follows the owner references
    edit(p -> p.getSpec().setExposure(
        onGateway("public", GatewayListener.LISTENER_SET).getSpec().getExposure()));
    cluster.awaitChild(HTTPRoute.class, CHILD, x -> true);
    cluster.awaitChild(ListenerSet.class, CHILD, x -> true);
    awaitGone(Ingress.class);
    cluster.admin.resource(cluster.get("example")).delete();
    awaitGone(HTTPRoute.class);
    awaitGone(ListenerSet.class);
  }

  @Test
  void theApiServerRefusesAGatewayExposureWithoutItsGateway() {
    MtaStsPolicy noGateway = Policies.basic("example", "example.com");
    noGateway.getSpec().setExposure(new ExposureSpec(ExposureType.GATEWAY, null));
    assertThatThrownBy(() -> cluster.create(noGateway))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.exposure.gateway is required when spec.exposure.type is"
            + " Gateway");

    MtaStsPolicy sectionOnSet = onGateway("public", GatewayListener.LISTENER_SET);
    sectionOnSet.getSpec().getExposure().getGateway().setSectionName("https");
    assertThatThrownBy(() -> cluster.create(sectionOnSet))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.exposure.gateway.sectionName");
  }
}
