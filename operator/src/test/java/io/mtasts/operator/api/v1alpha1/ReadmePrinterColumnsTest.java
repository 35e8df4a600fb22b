package io.mtasts.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The README shows what {@code kubectl get mtasts -A} prints: kubectl lists the printer columns in
 * the CRD's order (which the generator chooses), after NAMESPACE and NAME.
 */
class ReadmePrinterColumnsTest {

  @Test
  void readmeHeaderOfKubectlGetHasTheCrdColumnOrder() throws IOException {
    List<String> expected = new ArrayList<>(List.of("NAMESPACE", "NAME"));
    for (CustomResourceColumnDefinition column
        : CommittedCrd.load().getSpec().getVersions().get(0).getAdditionalPrinterColumns()) {
      if (column.getPriority() == null || column.getPriority() == 0) {
        expected.add(column.getName().toUpperCase(Locale.ROOT));
      }
    }
    List<String> readme = Files.readAllLines(CommittedCrd.repoRoot().resolve("README.md"));
    int command = readme.indexOf("kubectl get mtasts -A");
    assertThat(command).as("README shows 'kubectl get mtasts -A'").isNotNegative();
    String header = readme.get(command + 1).replaceFirst("^# ", "");

    assertThat(header.split(" {2,}")).containsExactlyElementsOf(expected);
  }
}
