package io.mtasts.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.RuleGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The PromQL the chart ships: its alert rules and its Grafana dashboard's queries. */
public final class ChartQueries {

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private ChartQueries() {}

  public static Path chartDirectory() {
    String configured = System.getProperty("mtasts.repoRoot");
    return Path.of(configured != null ? configured : "..").toAbsolutePath().normalize()
        .resolve("helm").resolve("mta-sts-operator");
  }

  public static Path dashboardFile() {
    return chartDirectory().resolve("dashboards").resolve("mta-sts-operator.json");
  }

  /** The PrometheusRule of {@code helm template} with the rule enabled and these --set values. */
  public static PrometheusRule prometheusRule(String release, String namespace, String... sets) {
    TemplateCommand command = new Helm(chartDirectory()).template().withName(release)
        .withNamespace(namespace).set("metrics.prometheusRule.enabled", "true");
    for (String set : sets) {
      int equals = set.indexOf('=');
      command = command.set(set.substring(0, equals), set.substring(equals + 1));
    }
    List<PrometheusRule> found = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(command.call())) {
      if (document.contains("\nkind: PrometheusRule")) {
        found.add(Serialization.unmarshal(document, PrometheusRule.class));
      }
    }
    if (found.size() != 1) {
      throw new AssertionError("expected one PrometheusRule, found " + found.size());
    }
    return found.get(0);
  }

  /** Every alert's expression, with the chart's defaults. */
  public static List<String> alertExpressions() {
    List<String> expressions = new ArrayList<>();
    for (RuleGroup group : prometheusRule("ops", "mtasts-system").getSpec().getGroups()) {
      for (Rule rule : group.getRules()) {
        expressions.add(rule.getExpr().getStrVal());
      }
    }
    return expressions;
  }

  /** The dashboard as Grafana reads it. */
  public static JsonNode dashboard() {
    try {
      return new ObjectMapper().readTree(dashboardFile().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every panel query of the dashboard (panels nested in rows included). */
  public static List<String> dashboardExpressions() {
    List<String> expressions = new ArrayList<>();
    collectTargets(dashboard().path("panels"), expressions);
    return expressions;
  }

  private static void collectTargets(JsonNode panels, List<String> into) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          into.add(target.get("expr").asText());
        }
      }
      collectTargets(panel.path("panels"), into);
    }
  }

  /** The queries of the dashboard's query variables. */
  public static List<String> dashboardVariableQueries() {
    List<String> queries = new ArrayList<>();
    for (JsonNode variable : dashboard().path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        JsonNode query = variable.path("query");
        queries.add(query.isObject() ? query.path("query").asText() : query.asText());
      }
    }
    return queries;
  }
}
