package io.mtasts.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Helm installs the CRDs from the chart's crds/ directory, so it must hold exactly the CRDs the
 * build generates into the top-level crds/ directory.
 */
class ChartCrdsTest {

  private static final Path GENERATED = OperatorChart.repositoryRoot().resolve("crds");
  private static final Path IN_CHART = OperatorChart.directory().resolve("crds");

  @Test
  void theChartShipsByteIdenticalCopiesOfTheGeneratedCrds() throws IOException {
    boolean generatedExist = Files.isDirectory(GENERATED) && !yamlFiles(GENERATED).isEmpty();
    if (!"1".equals(System.getenv("MTASTS_REQUIRE_ALL"))) {
      Assumptions.assumeTrue(generatedExist, "no generated CRDs in " + GENERATED + " to compare the chart's with");
    }
    assertThat(generatedExist).as("generated CRDs in %s", GENERATED).isTrue();

    assertThat(yamlFiles(IN_CHART)).as("file names in %s", IN_CHART).isEqualTo(yamlFiles(GENERATED));
    for (String name : yamlFiles(GENERATED)) {
      assertThat(IN_CHART.resolve(name))
          .as("a copy of the generated %s (cp crds/*.yml helm/mta-sts-operator/crds/)", GENERATED.resolve(name))
          .hasSameBinaryContentAs(GENERATED.resolve(name));
    }
  }

  @Test
  void theChartsCrdsAreCustomResourceDefinitionsOfTheMtaStsPolicy() throws IOException {
    List<CustomResourceDefinition> crds = yamlFiles(IN_CHART).stream()
        .map(name -> Serialization.unmarshal(read(IN_CHART.resolve(name)), CustomResourceDefinition.class))
        .toList();

    assertThat(crds).extracting(crd -> crd.getMetadata().getName()).containsExactly("mtastspolicies.mtasts.io",
        "mtastspolicyservers.mtasts.io");
    CustomResourceDefinition policy = crds.get(0);
    assertThat(policy.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(policy.getSpec().getNames().getKind()).isEqualTo("MtaStsPolicy");
    assertThat(policy.getSpec().getVersions()).anySatisfy(version -> {
      assertThat(version.getName()).isEqualTo("v1alpha1");
      assertThat(version.getSubresources().getStatus()).isNotNull();
    });
  }

  private static List<String> yamlFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yml") || name.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
