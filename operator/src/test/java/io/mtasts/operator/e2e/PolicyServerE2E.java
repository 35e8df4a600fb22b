package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import io.mtasts.operator.runtime.OperatorRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A shared policy server on the real API server: its children are accepted as written (the
 * Deployment's restricted pod, the RBAC objects), its account can read policies and nothing
 * else, and deleting it removes what garbage collection cannot. No kubelet runs, so no replica
 * becomes ready and status says exactly that.
 */
class PolicyServerE2E {

  private static final Duration TIMEOUT = RealCluster.TIMEOUT;
  private static final String CHILD = "mta-sts-server-shared";

  private RealCluster cluster;
  private OperatorRuntime operator;
  private String other;

  @BeforeEach
  void start() throws Exception {
    cluster = RealCluster.connect("server");
    other = "server-b-" + UUID.randomUUID().toString().substring(0, 6).toLowerCase(Locale.ROOT);
    cluster.admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(other)
        .endMetadata().build()).create();
    operator = E2EOperator.start(cluster, "e2e-server",
        Map.of("MTASTS_SERVER_IMAGE", "registry.example/mta-sts-operator:e2e"));
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.removeNamespace(other);
      cluster.close();
    }
  }

  private String rbacName() {
    return "mta-sts-server." + cluster.namespace + ".shared";
  }

  private MtaStsPolicyServer server() {
    return cluster.admin.resources(MtaStsPolicyServer.class).inNamespace(cluster.namespace)
        .withName("shared").get();
  }

  private MtaStsPolicyServer awaitServer(java.util.function.Predicate<MtaStsPolicyServer> p) {
    return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(this::server, s -> s != null && p.test(s));
  }

  private Config asServerAccount() {
    String ns = cluster.namespace;
    return new ConfigBuilder(cluster.admin.getConfiguration())
        .withImpersonateUsername("system:serviceaccount:" + ns + ":" + CHILD)
        .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + ns,
            "system:authenticated")
        .build();
  }

  private static void assertForbidden(Runnable call) {
    assertThatThrownBy(call::run).isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }

  @Test
  void theServersChildrenAreAcceptedAndItsAccountReadsPoliciesEverywhereAndNothingElse() {
    String uid = cluster.admin.resource(new MtaStsPolicyServer(cluster.namespace, "shared",
        new MtaStsPolicyServerSpec())).create().getMetadata().getUid();

    Deployment deployment = cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.awaitChild(Service.class, CHILD, x -> true);
    cluster.awaitChild(ServiceAccount.class, CHILD, x -> true);
    cluster.awaitChild(PodDisruptionBudget.class, CHILD, x -> true);
    await().atMost(TIMEOUT).until(() -> cluster.admin.resources(ClusterRoleBinding.class)
        .withName(rbacName()).get() != null);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly("serve", "--server=" + cluster.namespace + "/shared");
    assertThat(cluster.admin.resources(ClusterRole.class).withName(rbacName()).get()
        .getMetadata().getLabels()).containsEntry("mtasts.io/policy-server-uid", uid);

    MtaStsPolicyServer status = awaitServer(s -> s.getStatus() != null
        && s.getStatus().getReadyReplicas() != null);
    assertThat(status.getStatus().getReadyReplicas()).isZero();
    assertThat(status.getStatus().getPoliciesServed()).isZero();
    assertThat(status.getStatus().condition(ConditionTypes.READY)).get().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo(ConditionReasons.REPLICAS_NOT_READY);
    });

    // the binding is in effect: the server's account reads policies in every namespace
    await().atMost(TIMEOUT).untilAsserted(() -> {
      try (KubernetesClient asServer =
          new KubernetesClientBuilder().withConfig(asServerAccount()).build()) {
        assertThat(asServer.resources(MtaStsPolicy.class).inAnyNamespace().list().getItems())
            .isNotNull();
      }
    });
    try (KubernetesClient asServer =
        new KubernetesClientBuilder().withConfig(asServerAccount()).build()) {
      assertForbidden(() -> asServer.secrets().inNamespace(cluster.namespace).list());
      assertForbidden(() -> asServer.configMaps().inAnyNamespace().list());
      assertForbidden(() -> asServer.resources(MtaStsPolicy.class).inNamespace(other)
          .resource(new MtaStsPolicy(other, "x", null)).create());
    }

    cluster.admin.resources(MtaStsPolicyServer.class).inNamespace(cluster.namespace)
        .withName("shared").delete();
    await().atMost(TIMEOUT).until(() -> server() == null
        && cluster.admin.resources(ClusterRole.class).withName(rbacName()).get() == null
        && cluster.admin.resources(ClusterRoleBinding.class).withName(rbacName()).get() == null);
  }

  @Test
  void listedNamespacesGetRolesAndTheAccountReadsOnlyThere() {
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    spec.setNamespaces(List.of(other));
    spec.setReplicas(1);
    cluster.admin.resource(new MtaStsPolicyServer(cluster.namespace, "shared", spec)).create();

    await().atMost(TIMEOUT).until(() -> cluster.admin.resources(RoleBinding.class)
        .inNamespace(other).withName(rbacName()).get() != null);
    cluster.awaitChild(Deployment.class, CHILD, d -> d.getSpec().getReplicas() == 1);
    assertThat(cluster.child(PodDisruptionBudget.class, CHILD)).as("one replica, no budget")
        .isNull();
    assertThat(cluster.admin.resources(ClusterRole.class).withName(rbacName()).get()).isNull();

    await().atMost(TIMEOUT).untilAsserted(() -> {
      try (KubernetesClient asServer =
          new KubernetesClientBuilder().withConfig(asServerAccount()).build()) {
        assertThat(asServer.resources(MtaStsPolicy.class).inNamespace(other).list().getItems())
            .isNotNull();
      }
    });
    try (KubernetesClient asServer =
        new KubernetesClientBuilder().withConfig(asServerAccount()).build()) {
      assertForbidden(() -> asServer.resources(MtaStsPolicy.class).inNamespace(cluster.namespace)
          .list());
      assertForbidden(() -> asServer.resources(MtaStsPolicy.class).inAnyNamespace().list());
    }

    // deleting the server removes the Role it had in the other namespace
    cluster.admin.resources(MtaStsPolicyServer.class).inNamespace(cluster.namespace)
        .withName("shared").delete();
    await().atMost(TIMEOUT).until(() -> cluster.admin.resources(Role.class).inNamespace(other)
        .withName(rbacName()).get() == null && cluster.admin.resources(RoleBinding.class)
        .inNamespace(other).withName(rbacName()).get() == null);
  }
}
