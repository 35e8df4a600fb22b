package io.mtasts.operator.chart;

import static io.mtasts.operator.chart.OperatorChart.NAMESPACE;
import static io.mtasts.operator.chart.OperatorChart.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.DryRun;
import io.mtasts.operator.api.v1alpha1.SpecConstraints;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Helm never upgrades a chart's CRDs, so what {@code helm install}/{@code upgrade} prints and the
 * chart's README say how to, and what the current CRD changes for existing policies.
 */
class ChartUpgradeNotesTest {

  private static final String CRD_UPGRADE =
      "kubectl apply --server-side --force-conflicts -f helm/mta-sts-operator/crds/";

  @Test
  void theNotesGiveTheCrdUpgradeCommandAndSayTheDomainIsFixed() {
    String output = OperatorChart.helm().install().withName(RELEASE).withNamespace(NAMESPACE)
        .clientOnly().withDryRunOption(DryRun.CLIENT).call().getOutput();
    String notes = output.substring(output.indexOf("NOTES:"));

    assertThat(notes)
        .contains(CRD_UPGRADE)
        .contains("spec.domain cannot be changed in place")
        .contains("helm uninstall keeps the CRD and every MtaStsPolicy");
  }

  @Test
  void theReadmeSaysWhatTheCrdChangesForExistingPolicies() throws IOException {
    String readme = Files.readString(OperatorChart.directory().resolve("README.md"));
    // as rendered: line breaks inside a paragraph are spaces
    String upgrading = readme.substring(readme.indexOf("## Upgrading"),
        readme.indexOf("## Uninstalling")).replaceAll("\\s+", " ");

    assertThat(upgrading)
        .contains(CRD_UPGRADE)
        .contains("`self == oldSelf`")
        .contains(SpecConstraints.DOMAIN_IMMUTABLE_MESSAGE)
        .contains("e2e/previous-crds/");
  }
}
