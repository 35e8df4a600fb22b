package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import io.mtasts.operator.localserver.LocalApiServer.ApiRequest;
import io.mtasts.operator.localserver.RolloutStandIn;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Given an MtaStsPolicyServer, when it is created, changed and deleted: these objects, this status. */
class PolicyServerReconcilerTest {

  static final String SERVER_IMAGE = "registry.example/mta-sts-operator:9.9.9";
  static final String CHILD = "mta-sts-server-shared";
  static final String RBAC = "mta-sts-server.mail.shared";
  static final String NS = OperatorHarness.NAMESPACE;

  private OperatorHarness cluster;

  private OperatorHarness start(String... settings) throws Exception {
    cluster = new OperatorHarness().with("MTASTS_SERVER_IMAGE", SERVER_IMAGE);
    for (int i = 0; i < settings.length; i += 2) {
      cluster.with(settings[i], settings[i + 1]);
    }
    return cluster.start();
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private MtaStsPolicyServer create(MtaStsPolicyServerSpec spec) {
    return cluster.client.resource(new MtaStsPolicyServer(NS, "shared", spec)).create();
  }

  private MtaStsPolicyServer awaitServer(Predicate<MtaStsPolicyServer> condition) {
    return await().atMost(OperatorHarness.TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.client.resources(MtaStsPolicyServer.class).inNamespace(NS)
            .withName("shared").get(), s -> s != null && condition.test(s));
  }

  private static boolean ready(MtaStsPolicyServer s, String status, String reason) {
    return s.getStatus() != null && s.getStatus().condition(ConditionTypes.READY)
        .filter(c -> c.getStatus().equals(status) && c.getReason().equals(reason)).isPresent();
  }

  private void changeSpec(java.util.function.Consumer<MtaStsPolicyServerSpec> change) {
    cluster.editServer(NS, "shared", s -> change.accept(s.getSpec()));
  }

  private <T extends HasMetadata> T clusterScoped(Class<T> kind) {
    return cluster.client.resources(kind).withName(RBAC).get();
  }

  @Test
  void createMakesTheServersChildrenAndReportsWhatTheDeploymentReports() throws Exception {
    start();
    String uid = create(new MtaStsPolicyServerSpec()).getMetadata().getUid();

    ServiceAccount account = cluster.awaitChild(ServiceAccount.class, CHILD, x -> true);
    Service service = cluster.awaitChild(Service.class, CHILD, x -> true);
    Deployment deployment = cluster.awaitChild(Deployment.class, CHILD, x -> true);
    PodDisruptionBudget budget = cluster.awaitChild(PodDisruptionBudget.class, CHILD, x -> true);
    for (HasMetadata child : List.of(account, service, deployment, budget)) {
      assertThat(child.getMetadata().getOwnerReferences()).as("owner of %s", child.getKind())
          .singleElement().satisfies(ref -> {
            assertThat(ref.getUid()).isEqualTo(uid);
            assertThat(ref.getKind()).isEqualTo("MtaStsPolicyServer");
          });
    }
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(SERVER_IMAGE);
    assertThat(container.getArgs()).containsExactly("serve", "--server=mail/shared");
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getPort()).isEqualTo(80);
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
    });
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

    // no kubelet: nothing is ready, and status says so
    MtaStsPolicyServer waiting = awaitServer(s -> ready(s, "False",
        ConditionReasons.REPLICAS_NOT_READY));
    assertThat(waiting.getStatus().getReadyReplicas()).isZero();
    assertThat(waiting.getStatus().getPoliciesServed()).isZero();
    assertThat(waiting.getStatus().getObservedGeneration())
        .isEqualTo(waiting.getMetadata().getGeneration());
    assertThat(waiting.getStatus().condition(ConditionTypes.READY).get().getMessage())
        .contains("0 of 2");

    RolloutStandIn.markRolledOut(cluster.client, deployment);
    MtaStsPolicyServer readyServer = awaitServer(s -> ready(s, "True", ConditionReasons.READY));
    assertThat(readyServer.getStatus().getReadyReplicas()).isEqualTo(2);
  }

  @Test
  void withoutNamespacesTheAccountReadsPoliciesEverywhereThroughAClusterRole() throws Exception {
    start();
    String uid = create(new MtaStsPolicyServerSpec()).getMetadata().getUid();

    await().atMost(OperatorHarness.TIMEOUT).until(() -> clusterScoped(ClusterRoleBinding.class),
        b -> b != null);
    ClusterRole role = clusterScoped(ClusterRole.class);
    ClusterRoleBinding binding = clusterScoped(ClusterRoleBinding.class);
    assertThat(role.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("mtasts.io");
      assertThat(rule.getResources()).containsExactly("mtastspolicies");
      assertThat(rule.getVerbs()).containsExactly("get", "list", "watch");
    });
    assertThat(binding.getRoleRef().getName()).isEqualTo(RBAC);
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo(CHILD);
      assertThat(s.getNamespace()).isEqualTo(NS);
    });
    assertThat(role.getMetadata().getLabels()).containsEntry("mtasts.io/policy-server-uid", uid);

    // a cluster-scoped object cannot be owned by a namespaced one: the finalizer removes them
    cluster.client.resources(MtaStsPolicyServer.class).inNamespace(NS).withName("shared")
        .delete();
    await().atMost(OperatorHarness.TIMEOUT).until(() -> clusterScoped(ClusterRole.class) == null
        && clusterScoped(ClusterRoleBinding.class) == null);
  }

  @Test
  void listedNamespacesGetRolesAndTheSetFollowsTheSpec() throws Exception {
    start();
    cluster.client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
        .withName("mail-b").endMetadata().build()).create();
    create(new MtaStsPolicyServerSpec());
    await().atMost(OperatorHarness.TIMEOUT).until(() -> clusterScoped(ClusterRole.class) != null);

    changeSpec(s -> s.setNamespaces(List.of(NS, "mail-b")));

    for (String ns : List.of(NS, "mail-b")) {
      await().atMost(OperatorHarness.TIMEOUT).until(() -> cluster.client.resources(
          RoleBinding.class).inNamespace(ns).withName(RBAC).get() != null);
      Role role = cluster.client.resources(Role.class).inNamespace(ns).withName(RBAC).get();
      assertThat(role.getRules().get(0).getResources()).containsExactly("mtastspolicies");
    }
    await().atMost(OperatorHarness.TIMEOUT).until(() -> clusterScoped(ClusterRole.class) == null
        && clusterScoped(ClusterRoleBinding.class) == null);

    changeSpec(s -> s.setNamespaces(List.of(NS)));

    await().atMost(OperatorHarness.TIMEOUT).until(() -> cluster.client.resources(Role.class)
        .inNamespace("mail-b").withName(RBAC).get() == null && cluster.client.resources(
            RoleBinding.class).inNamespace("mail-b").withName(RBAC).get() == null);
    assertThat(cluster.client.resources(Role.class).inNamespace(NS).withName(RBAC).get())
        .isNotNull();
  }

  @Test
  void theDisruptionBudgetGoesAtOneReplicaAndComesBackAboveIt() throws Exception {
    start();
    create(new MtaStsPolicyServerSpec());
    cluster.awaitChild(PodDisruptionBudget.class, CHILD, x -> true);

    changeSpec(s -> s.setReplicas(1));

    cluster.awaitChild(Deployment.class, CHILD, d -> d.getSpec().getReplicas() == 1);
    await().atMost(OperatorHarness.TIMEOUT)
        .until(() -> cluster.child(PodDisruptionBudget.class, CHILD) == null);

    changeSpec(s -> s.setReplicas(3));

    cluster.awaitChild(Deployment.class, CHILD, d -> d.getSpec().getReplicas() == 3);
    cluster.awaitChild(PodDisruptionBudget.class, CHILD, x -> true);
  }

  @Test
  void anObjectItDoesNotOwnIsLeftAloneAndNothingIsCreated() throws Exception {
    start();
    cluster.client.resource(new ServiceBuilder().withNewMetadata().withName(CHILD)
        .withNamespace(NS).addToLabels("team", "mail").endMetadata()
        .withNewSpec().addNewPort().withPort(25).endPort().endSpec().build()).create();

    create(new MtaStsPolicyServerSpec());

    MtaStsPolicyServer refused = awaitServer(s -> ready(s, "False", ConditionReasons.CONFLICT));
    assertThat(refused.getStatus().condition(ConditionTypes.READY).get().getMessage())
        .contains("Service mail/" + CHILD, "not owned");
    Service service = cluster.child(Service.class, CHILD);
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(25);
    assertThat(service.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(cluster.child(Deployment.class, CHILD)).isNull();
    assertThat(cluster.child(ServiceAccount.class, CHILD)).isNull();
  }

  @Test
  void anImageBeyondTheAllowedOnesIsRefusedNamingTheField() throws Exception {
    start();
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    spec.setImage("evil.example/server:1");
    create(spec);

    MtaStsPolicyServer refused = awaitServer(s -> ready(s, "False",
        ConditionReasons.INVALID_SPEC));
    assertThat(refused.getStatus().condition(ConditionTypes.READY).get().getMessage())
        .contains("spec.image", "evil.example/server:1", SERVER_IMAGE);
    assertThat(cluster.child(Deployment.class, CHILD)).isNull();
  }

  @Test
  void anAllowedImageIsUsed() throws Exception {
    start("MTASTS_ALLOWED_IMAGES", "mirror.example/");
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    spec.setImage("mirror.example/mta-sts-operator:9.9.9");
    create(spec);

    Deployment d = cluster.awaitChild(Deployment.class, CHILD, x -> true);
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("mirror.example/mta-sts-operator:9.9.9");
  }

  @Test
  void anOperatorWatchingSomeNamespacesNeedsTheServersNamespacesListed() throws Exception {
    start("MTASTS_WATCH_NAMESPACES", NS);
    create(new MtaStsPolicyServerSpec());

    MtaStsPolicyServer refused = awaitServer(s -> ready(s, "False",
        ConditionReasons.INVALID_SPEC));
    assertThat(refused.getStatus().condition(ConditionTypes.READY).get().getMessage())
        .contains("spec.namespaces: required");

    changeSpec(s -> s.setNamespaces(List.of(NS, "elsewhere")));
    awaitServer(s -> ready(s, "False", ConditionReasons.INVALID_SPEC) && s.getStatus()
        .condition(ConditionTypes.READY).get().getMessage().contains("'elsewhere' is not watched"));

    changeSpec(s -> s.setNamespaces(List.of(NS)));
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    await().atMost(OperatorHarness.TIMEOUT).until(() -> cluster.client.resources(
        RoleBinding.class).inNamespace(NS).withName(RBAC).get() != null);
  }

  @Test
  void aServerThatChangedNothingIsNotWrittenAgain() throws Exception {
    start();
    create(new MtaStsPolicyServerSpec());
    cluster.awaitChild(PodDisruptionBudget.class, CHILD, x -> true);
    awaitServer(s -> ready(s, "False", ConditionReasons.REPLICAS_NOT_READY));
    cluster.api.clearRequests();

    cluster.restart();
    // the restarted operator has reconciled the server once it has read its Deployment
    await().atMost(OperatorHarness.TIMEOUT).until(() -> cluster.api.requests().stream()
        .anyMatch(r -> r.method().equals("GET") && r.path().contains("/deployments/" + CHILD)));
    Thread.sleep(500);

    assertThat(cluster.api.requests()).filteredOn(ApiRequest::isWrite)
        .filteredOn(r -> r.path().contains("mta-sts-server") || r.path().contains("shared"))
        .isEmpty();
  }

  @Test
  void changingTheSpecRollsTheDeploymentAndKeepsWhatOthersAdded() throws Exception {
    start();
    create(new MtaStsPolicyServerSpec());
    Service service = cluster.awaitChild(Service.class, CHILD, x -> true);
    cluster.client.resource(service).edit(s -> {
      s.getMetadata().getAnnotations().put("team.example/owner", "mail");
      return s;
    });

    changeSpec(s -> s.setNodeSelector(java.util.Map.of("pool", "edge")));

    cluster.awaitChild(Deployment.class, CHILD, d -> "edge".equals(d.getSpec().getTemplate()
        .getSpec().getNodeSelector() == null ? null
        : d.getSpec().getTemplate().getSpec().getNodeSelector().get("pool")));
    changeSpec(s -> s.setNodeSelector(null));
    cluster.awaitChild(Deployment.class, CHILD, d -> d.getSpec().getTemplate().getSpec()
        .getNodeSelector() == null || d.getSpec().getTemplate().getSpec().getNodeSelector()
        .isEmpty());
    assertThat(cluster.child(Service.class, CHILD).getMetadata().getAnnotations())
        .containsEntry("team.example/owner", "mail");
  }
}
