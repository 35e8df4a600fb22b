package io.mtasts.operator.chart;

import static io.mtasts.operator.chart.OperatorChart.NAMESPACE;
import static io.mtasts.operator.chart.OperatorChart.render;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.mtasts.operator.testing.ChartQueries;
import io.mtasts.operator.testing.MetricNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard: a ConfigMap the dashboard sidecar picks up, holding a dashboard whose
 * queries are valid PromQL. That they read only exported series is checked against a running
 * operator (ShippedQueriesUseExportedMetricsTest).
 */
class ChartDashboardTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path directory;

  private static List<ConfigMap> dashboards(RenderedChart chart) {
    return chart.all(ConfigMap.class).stream()
        .filter(cm -> cm.getData() != null && cm.getData().containsKey("mta-sts-operator.json"))
        .toList();
  }

  @Test
  void noDashboardUnlessAskedFor() {
    assertThat(dashboards(render())).isEmpty();
  }

  @Test
  void theConfigMapCarriesTheSidecarLabelAndTheDashboardFile() throws Exception {
    ConfigMap configMap = dashboards(render("metrics.grafanaDashboard.enabled=true")).get(0);

    assertThat(configMap.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(configMap.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(JSON.readTree(configMap.getData().get("mta-sts-operator.json")))
        .isEqualTo(ChartQueries.dashboard());
  }

  @Test
  void labelsAnnotationsAndNamespaceAreConfigurable() {
    ConfigMap configMap = dashboards(render("metrics.grafanaDashboard.enabled=true",
        "metrics.grafanaDashboard.labels.grafana_dashboard=null",
        "metrics.grafanaDashboard.labels.dashboards=mail",
        "metrics.grafanaDashboard.annotations.grafana_folder=Mail",
        "metrics.grafanaDashboard.namespace=monitoring")).get(0);

    assertThat(configMap.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(configMap.getMetadata().getLabels()).containsEntry("dashboards", "mail")
        .doesNotContainKey("grafana_dashboard");
    assertThat(configMap.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Mail");
  }

  @Test
  void theDashboardShowsStatesChecksCertificatesAndReconciles() {
    JsonNode dashboard = ChartQueries.dashboard();
    assertThat(dashboard.path("uid").asText()).isEqualTo("mta-sts-operator");
    assertThat(dashboard.path("title").asText()).isNotBlank();

    Set<String> read = new HashSet<>();
    ChartQueries.dashboardExpressions().forEach(expr -> read.addAll(MetricNames.in(expr)));
    assertThat(read).contains("mtasts_policy_served", "mtasts_check_result",
        "mtasts_certificate_days_left", "mtasts_mx_uncovered_hosts", "mtasts_operator_leader",
        "operator_sdk_reconciliations_started_total");

    List<Integer> ids = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      ids.add(panel.path("id").asInt());
      assertThat(panel.path("title").asText()).isNotBlank();
      if (!"row".equals(panel.path("type").asText())) {
        assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
        assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      }
    }
    assertThat(ids).doesNotHaveDuplicates();
  }

  @Test
  void everyQueryIsValidPromQl() throws Exception {
    // promtool parses PromQL when it checks rules: each query becomes a recording rule, with
    // Grafana's variables replaced by what Grafana puts there
    List<String> queries = new ArrayList<>(ChartQueries.dashboardExpressions());
    ChartQueries.dashboardVariableQueries().stream()
        .map(q -> q.replaceFirst("^label_values\\((.*),\\s*\\w+\\)$", "$1"))
        .forEach(queries::add);
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < queries.size(); i++) {
      String expr = queries.get(i).replace("$__rate_interval", "5m").replace("$namespace", ".*");
      rules.append("      - record: dashboard:query").append(i).append('\n')
          .append("        expr: ").append(JSON.writeValueAsString(expr)).append('\n');
    }
    Files.writeString(directory.resolve("dashboard-queries.yaml"), rules);

    Promtool.Outcome outcome = Promtool.run(directory, "check", "rules", "dashboard-queries.yaml");

    assertThat(outcome.exitCode()).as("%s%n%s", rules, outcome.output()).isZero();
  }
}
