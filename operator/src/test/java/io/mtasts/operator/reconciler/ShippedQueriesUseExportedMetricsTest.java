package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.testing.ChartQueries;
import io.mtasts.operator.testing.MetricNames;
import io.mtasts.operator.testing.Policies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chart's alerts and dashboard read only series the operator really exports: a renamed or
 * removed metric would otherwise leave an alert that can never fire.
 */
class ShippedQueriesUseExportedMetricsTest {

  /** Series Prometheus makes itself for every scrape target. */
  private static final Set<String> PROMETHEUS_OWN = Set.of("up");
  private static final Pattern SAMPLE_NAME = Pattern.compile("(?m)^([a-zA-Z_:][\\w:]*)[{ ]");

  private OperatorHarness cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The operator's /metrics after it has reconciled and verified one policy. */
  private Set<String> exportedNames() throws Exception {
    cluster = new OperatorHarness().start();
    cluster.create(Policies.basic("example", "example.com"));
    cluster.awaitChild(Deployment.class, "mta-sts-example", x -> true);
    cluster.completeRollout("mta-sts-example");
    cluster.awaitPolicy("example", p -> p.getStatus() != null && p.getStatus().getChecks() != null);
    // a batch of TLS reports, as a shared server stores them, gives the policy its TLS-RPT series
    var store = new io.mtasts.operator.serve.ReportStore(cluster.client, OperatorHarness.NAMESPACE,
        java.time.Clock.systemUTC(), java.time.Duration.ofHours(1));
    store.load();
    store.accept(new io.mtasts.operator.serve.PolicyHosts.Entry("mail/example", "example.com",
        null, cluster.get("example").getMetadata().getUid(), new byte[0], true),
        new io.mtasts.operator.tlsrpt.ReceivedReports.Received("r1", "Company-X",
            java.time.Instant.now(), java.time.Instant.now(), java.time.Instant.now(),
            io.mtasts.operator.tlsrpt.ReceivedReports.Counts.ZERO));
    store.flush();

    HttpClient http = HttpClient.newHttpClient();
    URI metrics = URI.create("http://127.0.0.1:" + cluster.runtime().healthPort() + "/metrics");
    Set<String> names = new TreeSet<>();
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> {
      String body = http.send(HttpRequest.newBuilder(metrics).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      names.clear();
      Matcher m = SAMPLE_NAME.matcher(body);
      while (m.find()) {
        names.add(m.group(1));
      }
      assertThat(names).contains("mtasts_check_result", "mtasts_policy_served",
          "mtasts_tlsrpt_failures_total");
    });
    return names;
  }

  /** Each name a query reads that /metrics lacks, with the query. */
  private static Map<String, String> missing(List<String> queries, Set<String> exported,
      boolean variables) {
    Map<String, String> missing = new TreeMap<>();
    for (String query : queries) {
      Set<String> read = variables ? MetricNames.inVariableQuery(query) : MetricNames.in(query);
      assertThat(read).as("metric names in " + query).isNotEmpty();
      read.stream()
          .filter(name -> !exported.contains(name) && !PROMETHEUS_OWN.contains(name))
          .forEach(name -> missing.put(name, query));
    }
    return missing;
  }

  @Test
  void everyMetricTheAlertsAndTheDashboardReadIsExported() throws Exception {
    Set<String> exported = exportedNames();

    List<String> alerts = ChartQueries.alertExpressions();
    List<String> panels = ChartQueries.dashboardExpressions();
    List<String> variables = ChartQueries.dashboardVariableQueries();
    assertThat(alerts).hasSize(7);
    assertThat(panels).isNotEmpty();

    assertThat(missing(alerts, exported, false)).as("alert rules reading series /metrics lacks;"
        + " exported: " + exported).isEmpty();
    assertThat(missing(panels, exported, false)).as("dashboard panels reading series /metrics"
        + " lacks; exported: " + exported).isEmpty();
    assertThat(missing(variables, exported, true)).as("dashboard variables reading series"
        + " /metrics lacks; exported: " + exported).isEmpty();
  }

  @Test
  void theNameCheckSeesEveryNameOfAnExpression() {
    assertThat(MetricNames.in("sum by (namespace) (rate(operator_sdk_x_total{a=\"b\"}[5m]))"
        + " / on (job) group_left max(up{job=~\"$job\"} == bool 1) or vector(0)"))
        .containsExactly("operator_sdk_x_total", "up");
    assertThat(MetricNames.inVariableQuery("label_values(mtasts_policy_served{job=\"x\"}, namespace)"))
        .containsExactly("mtasts_policy_served");
  }
}
