package io.mtasts.operator.reconciler.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a shared server's pods may do, and what its account may read. */
class DesiredServerChildrenTest {

  private static MtaStsPolicyServer server(MtaStsPolicyServerSpec spec) {
    MtaStsPolicyServer server = new MtaStsPolicyServer("hosting", "shared", spec);
    server.getMetadata().setUid("0b5e1c9e-0000-4000-8000-000000000001");
    return server;
  }

  @Test
  void thePodRunsServeForThisServerWithTheRestrictedProfile() {
    PodSpec pod = DesiredServerChildren.deployment(server(new MtaStsPolicyServerSpec()),
        "registry.example/mta-sts-operator:1.0").getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);

    assertThat(c.getImage()).isEqualTo("registry.example/mta-sts-operator:1.0");
    assertThat(c.getArgs()).containsExactly("serve", "--server=hosting/shared");
    assertThat(c.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("http:8080", "management:8081");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getServiceAccountName()).isEqualTo("mta-sts-server-shared");
  }

  @Test
  void schedulingFieldsReachThePodAndASpreadWithoutSelectorSelectsTheServersPods() {
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    spec.setNodeSelector(Map.of("pool", "edge"));
    spec.setTopologySpreadConstraints(List.of(new TopologySpreadConstraintBuilder()
        .withMaxSkew(1).withTopologyKey("topology.kubernetes.io/zone")
        .withWhenUnsatisfiable("ScheduleAnyway").build()));
    PodSpec pod = DesiredServerChildren.deployment(server(spec), "img").getSpec().getTemplate()
        .getSpec();

    assertThat(pod.getNodeSelector()).containsEntry("pool", "edge");
    assertThat(pod.getTopologySpreadConstraints().get(0).getLabelSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/name", "mta-sts-server")
        .containsEntry("app.kubernetes.io/instance", "shared");
  }

  @Test
  void withoutNamespacesTheAccountMayOnlyReadPoliciesEverywhere() {
    var rbac = DesiredServerChildren.rbac(server(new MtaStsPolicyServerSpec()));

    assertThat(rbac).extracting(o -> o.getKind()).containsExactly("ClusterRole",
        "ClusterRoleBinding", "Role", "RoleBinding");
    ClusterRole role = (ClusterRole) rbac.get(0);
    assertThat(role.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("mtasts.io");
      assertThat(rule.getResources()).containsExactly("mtastspolicies");
      assertThat(rule.getVerbs()).containsExactly("get", "list", "watch");
    });
    assertThat(role.getMetadata().getName()).isEqualTo("mta-sts-server.hosting.shared");
    assertThat(role.getMetadata().getOwnerReferences()).isEmpty();
  }

  @Test
  void listedNamespacesGetARoleAndBindingToTheServersAccountEach() {
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    spec.setNamespaces(List.of("mail-b", "hosting", "mail-b"));
    var rbac = DesiredServerChildren.rbac(server(spec));

    assertThat(rbac).extracting(o -> o.getKind() + " " + o.getMetadata().getNamespace())
        .containsExactly("Role hosting", "RoleBinding hosting", "Role mail-b",
            "RoleBinding mail-b", "Role hosting", "RoleBinding hosting");
    RoleBinding binding = (RoleBinding) rbac.get(3);
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo("mta-sts-server-shared");
      assertThat(s.getNamespace()).isEqualTo("hosting");
    });
    assertThat(((Role) rbac.get(2)).getRules().get(0).getVerbs())
        .containsExactly("get", "list", "watch");
    // an owner reference only where the owner is: in the server's own namespace
    assertThat(rbac.get(0).getMetadata().getOwnerReferences()).hasSize(1);
    assertThat(rbac.get(2).getMetadata().getOwnerReferences()).isEmpty();
    assertThat(rbac.get(2).getMetadata().getLabels())
        .containsEntry(ServerChildNames.SERVER_UID_LABEL, "0b5e1c9e-0000-4000-8000-000000000001");
  }

  @Test
  void theOnlyWriteIsToConfigMapsOfTheServersOwnNamespace() {
    var rbac = DesiredServerChildren.rbac(server(new MtaStsPolicyServerSpec()));

    Role role = (Role) rbac.get(2);
    assertThat(role.getMetadata().getNamespace()).isEqualTo("hosting");
    assertThat(role.getMetadata().getName()).isEqualTo("mta-sts-server.hosting.shared.tlsrpt");
    assertThat(role.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getResources()).containsExactly("configmaps");
      assertThat(rule.getVerbs()).containsExactly("get", "list", "create", "update");
    });
    RoleBinding binding = (RoleBinding) rbac.get(3);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("mta-sts-server-shared"));
    assertThat(role.getMetadata().getOwnerReferences()).hasSize(1);
  }

  @Test
  void longOrDottedNamesBecomeDistinctDnsLabels() {
    MtaStsPolicyServer dotted = new MtaStsPolicyServer("ns", "a.b", new MtaStsPolicyServerSpec());
    MtaStsPolicyServer dashed = new MtaStsPolicyServer("ns", "a-b", new MtaStsPolicyServerSpec());
    MtaStsPolicyServer longName = new MtaStsPolicyServer("ns", "x".repeat(200),
        new MtaStsPolicyServerSpec());

    assertThat(ServerChildNames.of(dotted)).isNotEqualTo(ServerChildNames.of(dashed))
        .matches("[a-z0-9-]+");
    assertThat(ServerChildNames.of(longName)).hasSizeLessThanOrEqualTo(63);
  }
}
