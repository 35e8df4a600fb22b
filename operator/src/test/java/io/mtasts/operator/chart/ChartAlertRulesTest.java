package io.mtasts.operator.chart;

import static io.mtasts.operator.chart.OperatorChart.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's PrometheusRule: each alert fires on the series it is meant for, after its duration,
 * and not before nor on others (promtool test rules on synthetic series), and points at its
 * runbook entry in the README.
 */
class ChartAlertRulesTest {

  private static final Set<String> ALERTS = Set.of("MtaStsVerificationFailing",
      "MtaStsCertificateExpiring", "MtaStsMxNotCovered", "MtaStsPolicyNotServed",
      "MtaStsOperatorDown", "MtaStsOperatorNotLeading", "MtaStsTlsRptFailures");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");

  @TempDir
  Path directory;

  private static List<Rule> rules(PrometheusRule prometheusRule) {
    return prometheusRule.getSpec().getGroups().stream()
        .flatMap(group -> group.getRules().stream()).toList();
  }

  /** Runs promtool test rules with the rendered rules as rules.yaml next to the test file. */
  private String promtoolTest(PrometheusRule prometheusRule, String testResource)
      throws IOException, InterruptedException {
    Promtool.require();
    Files.writeString(directory.resolve("rules.yaml"), Serialization.asYaml(prometheusRule.getSpec()));
    try (InputStream test = Objects.requireNonNull(
        getClass().getResourceAsStream(testResource), testResource)) {
      Files.copy(test, directory.resolve(testResource));
    }
    Promtool.Outcome outcome = Promtool.run(directory, "test", "rules", testResource);
    assertThat(outcome.exitCode()).as("promtool test rules %s:%n%s", testResource, outcome.output())
        .isZero();
    return outcome.output();
  }

  @Test
  void noPrometheusRuleUnlessAskedFor() {
    assertThat(render().all(PrometheusRule.class)).isEmpty();
  }

  @Test
  void everyAlertFiresWhenItShouldAndNotOtherwise() throws Exception {
    PrometheusRule rule = render("metrics.prometheusRule.enabled=true").one(PrometheusRule.class);
    assertThat(rules(rule)).extracting(Rule::getAlert).containsExactlyInAnyOrderElementsOf(ALERTS);

    assertThat(promtoolTest(rule, "alert-rules-test.yaml")).contains("SUCCESS");
  }

  @Test
  void thresholdsDurationsLabelsSelectorAndRunbookAreTunable() throws Exception {
    PrometheusRule rule = render(
        "metrics.prometheusRule.enabled=true",
        "metrics.prometheusRule.certificateExpiring.days=30",
        "metrics.prometheusRule.certificateExpiring.for=5m",
        "metrics.prometheusRule.certificateExpiring.severity=page",
        "metrics.prometheusRule.alertLabels.team=mail",
        "metrics.prometheusRule.selector=job=\"mail-operator\"",
        "metrics.prometheusRule.runbookUrl=https://wiki.example.com/mta-sts",
        "metrics.prometheusRule.labels.prometheus=main").one(PrometheusRule.class);

    assertThat(rule.getMetadata().getLabels()).containsEntry("prometheus", "main");
    assertThat(rules(rule)).allSatisfy(r -> assertThat(r.getLabels()).containsEntry("team", "mail"));
    assertThat(promtoolTest(rule, "alert-rules-tuned-test.yaml")).contains("SUCCESS");
  }

  @Test
  void anAlertCanBeLeftOut() {
    PrometheusRule rule = render("metrics.prometheusRule.enabled=true",
        "metrics.prometheusRule.operatorNotLeading.enabled=false").one(PrometheusRule.class);

    assertThat(rules(rule)).extracting(Rule::getAlert)
        .doesNotContain("MtaStsOperatorNotLeading")
        .contains("MtaStsOperatorDown");
  }

  @Test
  void everyAlertHasASummaryADescriptionAndARunbookEntryInTheReadme() throws IOException {
    String readme = Files.readString(OperatorChart.repositoryRoot().resolve("README.md"));
    Set<String> anchors = HEADING.matcher(readme).results()
        .map(heading -> githubAnchor(heading.group(1))).collect(Collectors.toSet());
    String base = "https://github.com/mtasts/mta-sts-operator/blob/main/README.md#";

    List<Rule> rules = rules(render("metrics.prometheusRule.enabled=true").one(PrometheusRule.class));

    assertThat(rules).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule.getAnnotations().get("summary")).as(rule.getAlert()).isNotBlank();
      assertThat(rule.getAnnotations().get("description")).as(rule.getAlert()).isNotBlank();
      String runbook = rule.getAnnotations().get("runbook_url");
      assertThat(runbook).as(rule.getAlert()).startsWith(base);
      assertThat(anchors).as("README heading for " + runbook)
          .contains(runbook.substring(base.length()));
      assertThat(rule.getLabels()).as(rule.getAlert()).containsKey("severity");
    });
  }

  @Test
  void anAlertAboutOnePolicyNamesItsNamespaceNameAndDomain() {
    List<Rule> rules = rules(render("metrics.prometheusRule.enabled=true").one(PrometheusRule.class));

    assertThat(rules).filteredOn(rule -> !rule.getAlert().startsWith("MtaStsOperator"))
        .hasSize(5)
        .allSatisfy(rule -> assertThat(rule.getAnnotations().get("description"))
            .contains("{{ $labels.namespace }}/{{ $labels.name }}", "{{ $labels.domain }}"));
  }

  @Test
  void theServiceMonitorKeepsThePolicysNamespaceLabel() {
    var monitor = render("metrics.serviceMonitor.enabled=true")
        .one(io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class);

    assertThat(monitor.getSpec().getEndpoints().get(0).getHonorLabels()).isTrue();
  }

  /** The anchor GitHub gives a Markdown heading. */
  static String githubAnchor(String heading) {
    Matcher code = Pattern.compile("`([^`]*)`").matcher(heading);
    String text = code.replaceAll("$1").strip().toLowerCase(Locale.ROOT);
    return text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }
}
