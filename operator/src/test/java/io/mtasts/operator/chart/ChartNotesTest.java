package io.mtasts.operator.chart;

import static io.mtasts.operator.chart.OperatorChart.NAMESPACE;
import static io.mtasts.operator.chart.OperatorChart.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.InstallCommand;
import org.junit.jupiter.api.Test;

/** What {@code helm install} prints tells the user what was installed and what to do next. */
class ChartNotesTest {

  @Test
  void theNotesSayWhatIsWatchedAndHowToCheckTheOperator() {
    String notes = notes();

    assertThat(notes)
        .contains("reconciles MtaStsPolicy resources in all namespaces")
        .contains("kubectl --namespace mtasts-system rollout status deployment/ops-mta-sts-operator")
        .contains("kubectl apply -f -")
        .contains("http://ops-mta-sts-operator-metrics.mtasts-system.svc:8080/metrics");
  }

  @Test
  void withWatchNamespacesTheExampleGoesIntoAWatchedNamespace() {
    String notes = notes("watchNamespaces[0]=mail-a", "watchNamespaces[1]=mail-b");

    assertThat(notes)
        .contains("reconciles MtaStsPolicy resources in these namespaces: mail-a, mail-b")
        .contains("kubectl --namespace mail-a apply -f -");
  }

  @Test
  void withoutRbacTheNotesSayWhoNeedsPermissions() {
    assertThat(notes("rbac.create=false"))
        .contains("grant the ServiceAccount ops-mta-sts-operator the permissions");
  }

  private static String notes(String... sets) {
    InstallCommand install = OperatorChart.helm().install()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .clientOnly()
        .withDryRunOption(DryRun.CLIENT);
    for (String set : sets) {
      int equals = set.indexOf('=');
      install = install.set(set.substring(0, equals), set.substring(equals + 1));
    }
    String output = install.call().getOutput();
    return output.substring(output.indexOf("NOTES:"));
  }
}
