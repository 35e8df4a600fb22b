package io.mtasts.operator.chart;

import static io.mtasts.operator.chart.OperatorChart.NAMESPACE;
import static io.mtasts.operator.chart.OperatorChart.render;
import static io.mtasts.operator.chart.OperatorChart.renderingError;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sharedServer.* installs a default shared policy server with the chart. */
class ChartSharedServerTest {

  private static List<MtaStsPolicyServer> servers(RenderedChart chart) {
    return chart.all(MtaStsPolicyServer.class);
  }

  @Test
  void noServerByDefault() {
    assertThat(servers(render())).isEmpty();
  }

  @Test
  void enabledInstallsOneServerInTheReleaseNamespaceWithTheValues() {
    RenderedChart chart = render("sharedServer.enabled=true", "sharedServer.replicas=3",
        "sharedServer.resources.limits.memory=384Mi", "sharedServer.nodeSelector.pool=edge");

    assertThat(servers(chart)).singleElement().satisfies(server -> {
      assertThat(server.getMetadata().getName()).isEqualTo("mta-sts-server");
      assertThat(server.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
      assertThat(server.getSpec().getReplicas()).isEqualTo(3);
      assertThat(server.getSpec().getResources().getLimits().get("memory").toString())
          .isEqualTo("384Mi");
      assertThat(server.getSpec().getNodeSelector()).containsEntry("pool", "edge");
      assertThat(server.getSpec().getNamespaces()).isNull();
      assertThat(server.getSpec().getImage()).as("the operator's image, set by the operator")
          .isNull();
    });
  }

  @Test
  void listedNamespacesReachTheServer() {
    RenderedChart chart = render("sharedServer.enabled=true",
        "sharedServer.namespaces[0]=mail-a");

    assertThat(servers(chart).get(0).getSpec().getNamespaces()).containsExactly("mail-a");
  }

  @Test
  void withWatchNamespacesTheServerReadsThoseNamespaces() {
    RenderedChart chart = render("sharedServer.enabled=true",
        "watchNamespaces[0]=" + NAMESPACE, "watchNamespaces[1]=mail-a");

    assertThat(servers(chart).get(0).getSpec().getNamespaces())
        .containsExactly(NAMESPACE, "mail-a");
  }

  @Test
  void theChartsServerAcceptsPoliciesFromWhereItReadsThem() {
    assertThat(servers(render("sharedServer.enabled=true")).get(0).getSpec()
        .getPolicyNamespaces()).as("reads every namespace").containsExactly("*");
    assertThat(servers(render("sharedServer.enabled=true", "sharedServer.namespaces[0]=mail-a"))
        .get(0).getSpec().getPolicyNamespaces()).containsExactly("mail-a");
    assertThat(servers(render("sharedServer.enabled=true",
        "sharedServer.policyNamespaces[0]=" + NAMESPACE)).get(0).getSpec()
        .getPolicyNamespaces()).containsExactly(NAMESPACE);
    assertThat(renderingError("sharedServer.enabled=true",
        "sharedServer.policyNamespaces[0]=Not_A_Namespace"))
        .contains("sharedServer.policyNamespaces");
  }

  @Test
  void aReleaseNamespaceTheOperatorDoesNotWatchIsRefused() {
    assertThat(renderingError("sharedServer.enabled=true", "watchNamespaces[0]=mail-a"))
        .contains("sharedServer.enabled needs the release namespace", "watchNamespaces");
  }

  @Test
  void theOperatorIsToldItsOwnImageForServers() {
    RenderedChart chart = render("image.digest=sha256:" + "a".repeat(64));
    Deployment operator = chart.one(Deployment.class);
    var container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("MTASTS_SERVER_IMAGE"))
        .extracting(EnvVar::getValue).containsExactly(container.getImage());
  }

  @Test
  void badValuesAreRefusedNamingTheValue() {
    assertThat(renderingError("sharedServer.replicas=0")).contains("sharedServer.replicas");
    assertThat(renderingError("sharedServer.name=Not_A_Name")).contains("sharedServer.name");
    assertThat(renderingError("sharedServer.replica=2")).contains("replica");
  }
}
