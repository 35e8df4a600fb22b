package io.mtasts.operator.chart;

import static io.mtasts.operator.chart.OperatorChart.NAMESPACE;
import static io.mtasts.operator.chart.OperatorChart.RELEASE;
import static io.mtasts.operator.chart.OperatorChart.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@code helm template} produces is a set of well-formed Kubernetes objects. */
class ChartRenderingTest {

  static Stream<Arguments> valueSets() {
    return Stream.of(
        Arguments.of("defaults", render()),
        Arguments.of("every knob", render(OperatorChart.everyKnobValues())),
        Arguments.of("per-namespace RBAC", render("watchNamespaces[0]=mail-a")),
        Arguments.of("CA bundle from a Secret", render("caBundle.secret.name=corporate-ca")),
        Arguments.of("no RBAC, no ServiceAccount, no Service",
            render("rbac.create=false", "serviceAccount.create=false", "serviceAccount.name=existing",
                "metrics.service.enabled=false", "leaderElection.enabled=false")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyObjectParsesIntoItsTypedModelWithoutUnknownFields(String values, RenderedChart chart) {
    assertThat(chart.objects()).isNotEmpty();
    List<String> unknown = new ArrayList<>();
    for (HasMetadata object : chart.objects()) {
      assertThat(object).isNotInstanceOf(GenericKubernetesResource.class);
      UnmodelledFields.of(object).forEach(path -> unknown.add(RenderedChart.describe(object) + ": " + path));
    }
    assertThat(unknown).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyObjectCarriesTheReleaseLabels(String values, RenderedChart chart) {
    assertThat(chart.objects()).allSatisfy(object -> assertThat(object.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/instance", RELEASE)
        .containsEntry("app.kubernetes.io/managed-by", "Helm")
        .containsKey("helm.sh/chart"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void namespacedObjectsNameTheirNamespaceSoThatKubectlApplyPutsThemThere(String values, RenderedChart chart) {
    for (HasMetadata object : chart.objects()) {
      String namespace = object.getMetadata().getNamespace();
      if (!(object instanceof Namespaced)) {
        assertThat(namespace).as(RenderedChart.describe(object)).isNull();
      } else if (object instanceof Role || object instanceof RoleBinding
          || object.getMetadata().getName().endsWith("-dashboard")) {
        // Roles go to the watched namespaces, the dashboard to the one Grafana's sidecar watches
        assertThat(namespace).as(RenderedChart.describe(object)).isNotBlank();
      } else {
        assertThat(namespace).as(RenderedChart.describe(object)).isEqualTo(NAMESPACE);
      }
    }
  }

  @Test
  void theDefaultsInstallTheOperatorAndNothingOptional() {
    assertThat(render().describe()).containsExactlyInAnyOrder(
        "ServiceAccount mtasts-system/ops-mta-sts-operator",
        "ClusterRole ops-mta-sts-operator",
        "ClusterRoleBinding ops-mta-sts-operator",
        "ClusterRole ops-mta-sts-operator-cluster",
        "ClusterRoleBinding ops-mta-sts-operator-cluster",
        "Role mtasts-system/ops-mta-sts-operator-leader-election",
        "RoleBinding mtasts-system/ops-mta-sts-operator-leader-election",
        "Service mtasts-system/ops-mta-sts-operator-metrics",
        "Deployment mtasts-system/ops-mta-sts-operator");
  }

  @Test
  void objectNamesFollowFullnameOverride() {
    assertThat(render(OperatorChart.everyKnobValues()).describe()).containsExactlyInAnyOrder(
        "ServiceAccount mtasts-system/mail-policies-operator",
        "ClusterRole mail-policies-cluster",
        "ClusterRoleBinding mail-policies-cluster",
        "Role mail-a/mail-policies",
        "RoleBinding mail-a/mail-policies",
        "Role mail-b/mail-policies",
        "RoleBinding mail-b/mail-policies",
        "Role mtasts-system/mail-policies-leader-election",
        "RoleBinding mtasts-system/mail-policies-leader-election",
        "Service mtasts-system/mail-policies-metrics",
        "ServiceMonitor mtasts-system/mail-policies",
        "PrometheusRule mtasts-system/mail-policies",
        "ConfigMap monitoring/mail-policies-dashboard",
        "PodDisruptionBudget mtasts-system/mail-policies",
        "Deployment mtasts-system/mail-policies");
  }

  @Test
  void aReleaseNamedAfterTheChartIsNotNamedTwice() {
    RenderedChart chart = RenderedChart.parse(OperatorChart.helm().template()
        .withName("mta-sts-operator").withNamespace(NAMESPACE).call());

    assertThat(chart.describe()).contains("Deployment mtasts-system/mta-sts-operator");
  }
}
