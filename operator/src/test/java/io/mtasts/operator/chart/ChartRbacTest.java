package io.mtasts.operator.chart;

import static io.mtasts.operator.chart.OperatorChart.NAMESPACE;
import static io.mtasts.operator.chart.OperatorChart.render;
import static io.mtasts.operator.chart.OperatorPermissions.CLUSTER_SCOPED;
import static io.mtasts.operator.chart.OperatorPermissions.FOR_GATEWAY_API;
import static io.mtasts.operator.chart.OperatorPermissions.FOR_LEADER_ELECTION;
import static io.mtasts.operator.chart.OperatorPermissions.IN_WATCHED_NAMESPACES;
import static io.mtasts.operator.chart.OperatorPermissions.WHEN_WATCHING_ALL;
import static io.mtasts.operator.chart.Permission.union;
import static io.mtasts.operator.chart.ServiceAccountPermissions.CLUSTER_WIDE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart gives the operator's ServiceAccount exactly the access it needs, where it needs it. */
class ChartRbacTest {

  private static final String ACCOUNT = "ops-mta-sts-operator";

  @Test
  void byDefaultTheOperatorMayWorkInEveryNamespaceAndElectItsLeaderInItsOwn() {
    RenderedChart chart = render();

    assertThat(ServiceAccountPermissions.granted(chart, ACCOUNT, NAMESPACE)).isEqualTo(Map.of(
        CLUSTER_WIDE, union(IN_WATCHED_NAMESPACES, CLUSTER_SCOPED, WHEN_WATCHING_ALL),
        NAMESPACE, FOR_LEADER_ELECTION));
    assertThat(chart.all(Role.class)).extracting(role -> role.getMetadata().getNamespace())
        .containsOnly(NAMESPACE);
  }

  @Test
  void withWatchNamespacesTheOperatorOnlyWorksInThoseNamespaces() {
    RenderedChart chart = render("watchNamespaces[0]=mail-a", "watchNamespaces[1]=mail-b");

    assertThat(ServiceAccountPermissions.granted(chart, ACCOUNT, NAMESPACE)).isEqualTo(Map.of(
        CLUSTER_WIDE, CLUSTER_SCOPED,
        "mail-a", IN_WATCHED_NAMESPACES,
        "mail-b", IN_WATCHED_NAMESPACES,
        NAMESPACE, FOR_LEADER_ELECTION));
  }

  @Test
  void watchingItsOwnNamespaceAddsThatNamespacesAccessToTheLease() {
    RenderedChart chart = render("watchNamespaces[0]=" + NAMESPACE, "watchNamespaces[1]=mail-a");

    assertThat(ServiceAccountPermissions.granted(chart, ACCOUNT, NAMESPACE)).isEqualTo(Map.of(
        CLUSTER_WIDE, CLUSTER_SCOPED,
        "mail-a", IN_WATCHED_NAMESPACES,
        NAMESPACE, union(IN_WATCHED_NAMESPACES, FOR_LEADER_ELECTION)));
  }

  @Test
  void gatewayApiAccessIsGrantedOnlyWhenEnabledAndOnlyWhereTheOperatorWorks() {
    assertThat(FOR_GATEWAY_API).isNotEmpty().allSatisfy(p ->
        assertThat(p.toString()).contains("gateway.networking.k8s.io"));
    assertThat(IN_WATCHED_NAMESPACES).noneSatisfy(p ->
        assertThat(p.toString()).contains("gateway.networking.k8s.io"));

    RenderedChart clusterWide = render("gatewayApi.enabled=true");
    assertThat(ServiceAccountPermissions.granted(clusterWide, ACCOUNT, NAMESPACE)).isEqualTo(Map.of(
        CLUSTER_WIDE,
        union(IN_WATCHED_NAMESPACES, FOR_GATEWAY_API, CLUSTER_SCOPED, WHEN_WATCHING_ALL),
        NAMESPACE, FOR_LEADER_ELECTION));

    RenderedChart perNamespace = render("gatewayApi.enabled=true", "watchNamespaces[0]=mail-a");
    assertThat(ServiceAccountPermissions.granted(perNamespace, ACCOUNT, NAMESPACE)).isEqualTo(Map.of(
        CLUSTER_WIDE, CLUSTER_SCOPED,
        "mail-a", union(IN_WATCHED_NAMESPACES, FOR_GATEWAY_API),
        NAMESPACE, FOR_LEADER_ELECTION));
  }

  @Test
  void withoutLeaderElectionNoLeaseAccessIsGranted() {
    RenderedChart chart = render("leaderElection.enabled=false");

    assertThat(ServiceAccountPermissions.granted(chart, ACCOUNT, NAMESPACE)).isEqualTo(Map.of(
        CLUSTER_WIDE, union(IN_WATCHED_NAMESPACES, CLUSTER_SCOPED, WHEN_WATCHING_ALL)));
  }

  static Stream<Arguments> everyRbacMode() {
    return Stream.of(
        Arguments.of("cluster-wide", render()),
        Arguments.of("per namespace", render("watchNamespaces[0]=mail-a", "watchNamespaces[1]=mail-b")),
        Arguments.of("every knob", render(OperatorChart.everyKnobValues())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRbacMode")
  void noRuleUsesAWildcard(String mode, RenderedChart chart) {
    List<String> wildcards = new ArrayList<>();
    for (HasMetadata role : roles(chart)) {
      for (PolicyRule rule : rules(role)) {
        Stream.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs(), rule.getResourceNames(),
                rule.getNonResourceURLs())
            .flatMap(List::stream)
            .filter(entry -> entry.contains("*"))
            .forEach(entry -> wildcards.add(RenderedChart.describe(role) + ": " + entry));
      }
    }
    assertThat(wildcards).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRbacMode")
  void everyBindingGrantsToTheAccountThePodRunsAs(String mode, RenderedChart chart) {
    String podAccount = chart.one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName();

    assertThat(chart.all(ClusterRoleBinding.class))
        .flatExtracting(ClusterRoleBinding::getSubjects)
        .allSatisfy(subject -> {
          assertThat(subject.getName()).isEqualTo(podAccount);
          assertThat(subject.getNamespace()).isEqualTo(NAMESPACE);
        });
    assertThat(chart.all(RoleBinding.class))
        .flatExtracting(RoleBinding::getSubjects)
        .allSatisfy(subject -> {
          assertThat(subject.getName()).isEqualTo(podAccount);
          assertThat(subject.getNamespace()).isEqualTo(NAMESPACE);
        });
  }

  @Test
  void aNamedServiceAccountReceivesThePermissions() {
    RenderedChart chart = render("serviceAccount.name=mail-policies");

    assertThat(chart.one(ServiceAccount.class).getMetadata().getName()).isEqualTo("mail-policies");
    assertThat(ServiceAccountPermissions.granted(chart, "mail-policies", NAMESPACE))
        .isEqualTo(ServiceAccountPermissions.granted(render(), ACCOUNT, NAMESPACE));
  }

  @Test
  void anExistingServiceAccountIsBoundButNotCreated() {
    RenderedChart chart = render("serviceAccount.create=false", "serviceAccount.name=platform-operator");

    assertThat(chart.all(ServiceAccount.class)).isEmpty();
    assertThat(chart.one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("platform-operator");
    assertThat(ServiceAccountPermissions.granted(chart, "platform-operator", NAMESPACE)).isEqualTo(Map.of(
        CLUSTER_WIDE, union(IN_WATCHED_NAMESPACES, CLUSTER_SCOPED, WHEN_WATCHING_ALL),
        NAMESPACE, FOR_LEADER_ELECTION));
  }

  @Test
  void anExistingServiceAccountMustBeNamed() {
    assertThat(OperatorChart.renderingError("serviceAccount.create=false"))
        .contains("serviceAccount.name is required");
  }

  @Test
  void withRbacCreateFalseTheChartLeavesRbacToTheUser() {
    RenderedChart chart = render("rbac.create=false", "watchNamespaces[0]=mail-a");

    assertThat(roles(chart)).isEmpty();
    assertThat(chart.all(RoleBinding.class)).isEmpty();
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(chart.all(ServiceAccount.class)).hasSize(1);
  }

  private static List<HasMetadata> roles(RenderedChart chart) {
    List<HasMetadata> roles = new ArrayList<>(chart.all(ClusterRole.class));
    roles.addAll(chart.all(Role.class));
    return roles;
  }

  private static List<PolicyRule> rules(HasMetadata role) {
    return role instanceof Role namespaced ? namespaced.getRules() : ((ClusterRole) role).getRules();
  }
}
