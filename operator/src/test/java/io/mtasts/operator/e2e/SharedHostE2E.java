package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import io.mtasts.operator.runtime.OperatorRuntime;
import io.mtasts.operator.testing.Policies;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A policy in one namespace served by a shared server in another, on the real API server: its
 * Ingress, as the API server validates it, is in the server's namespace and routes to the
 * server's Service, and it goes once the policy is gone.
 */
class SharedHostE2E {

  private static final Duration TIMEOUT = RealCluster.TIMEOUT;

  private RealCluster cluster;
  private OperatorRuntime operator;
  private String customer;

  @BeforeEach
  void start() throws Exception {
    cluster = RealCluster.connect("sharedhost");
    customer = "customer-" + UUID.randomUUID().toString().substring(0, 6)
        .toLowerCase(Locale.ROOT);
    cluster.admin.namespaces().resource(new NamespaceBuilder().withNewMetadata()
        .withName(customer).endMetadata().build()).create();
    operator = E2EOperator.start(cluster, "e2e-sharedhost",
        Map.of("MTASTS_SERVER_IMAGE", "registry.example/mta-sts-operator:e2e"));
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.removeNamespace(customer);
      cluster.close();
    }
  }

  private Ingress host(String name) {
    return cluster.admin.network().v1().ingresses().inNamespace(cluster.namespace)
        .withName(name).get();
  }

  @Test
  void theHostIsInTheServersNamespaceAndGoesWithThePolicy() {
    MtaStsPolicyServerSpec serverSpec = new MtaStsPolicyServerSpec();
    // the customer's namespace may reference the provider's server
    serverSpec.setPolicyNamespaces(java.util.List.of(customer));
    cluster.admin.resource(new MtaStsPolicyServer(cluster.namespace, "shared", serverSpec))
        .create();
    MtaStsPolicy policy = Policies.basic("example", customer + ".example");
    policy.getMetadata().setNamespace(customer);
    policy.getSpec().setServer(Policies.fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata: {name: x}
        spec:
          domain: x.example
          server:
            ref: {name: shared, namespace: %s}
        """.formatted(cluster.namespace)).getSpec().getServer());
    MtaStsPolicy created = cluster.admin.resource(policy).create();
    String name = "mta-sts." + customer + ".example";

    Ingress ingress = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> host(name), i -> i != null);

    assertThat(ingress.getSpec().getRules().get(0).getHost())
        .isEqualTo("mta-sts." + customer + ".example");
    assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend()
        .getService().getName()).isEqualTo("mta-sts-server-shared");
    assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("example-tls");
    assertThat(ingress.getMetadata().getLabels()).containsAllEntriesOf(Map.of(
        "mtasts.io/policy-namespace", customer,
        "mtasts.io/policy-name", "example",
        "mtasts.io/policy-uid", created.getMetadata().getUid(),
        "mtasts.io/server", "shared"));
    assertThat(ingress.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(cluster.admin.network().v1().ingresses().inNamespace(customer).list().getItems())
        .isEmpty();

    cluster.admin.resource(created).withGracePeriod(0).delete();
    await().atMost(TIMEOUT).until(() -> cluster.admin.resources(MtaStsPolicy.class)
        .inNamespace(customer).withName("example").get() == null);
    // a change of the server makes it reconcile, and sweep, now rather than within a minute
    for (int attempt = 0; ; attempt++) {
      MtaStsPolicyServer server = cluster.admin.resources(MtaStsPolicyServer.class)
          .inNamespace(cluster.namespace).withName("shared").get();
      server.getSpec().setReplicas(3);
      try {
        cluster.admin.resource(server).update();
        break;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        // the operator writes the server's status meanwhile: read again, as kubectl edit would
        if (e.getCode() != 409 || attempt >= 5) {
          throw e;
        }
      }
    }
    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> host(name) == null);
  }
}
