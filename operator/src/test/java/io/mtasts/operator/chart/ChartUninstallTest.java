package io.mtasts.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Uninstalling the chart, or deleting the Argo CD or Flux object that installed it, removes the
 * operator and never the CRD: removing the CRD would delete every policy at once, with no domain
 * retired.
 */
class ChartUninstallTest {

  /** The CRD files users and tools install: the top-level copies and the chart's. */
  static Stream<Path> crdFiles() {
    return Stream.of(OperatorChart.repositoryRoot().resolve("crds"),
            OperatorChart.directory().resolve("crds"))
        .flatMap(ChartUninstallTest::yamlFiles)
        .filter(f -> f.getFileName().toString().startsWith(MtaStsPolicy.CRD_NAME + "-")
            || f.getFileName().toString().startsWith(MtaStsPolicyServer.CRD_NAME + "-"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crdFiles")
  void theCrdTellsArgoCdFluxAndHelmToKeepIt(Path file) throws IOException {
    JsonNode crd = new YAMLMapper().readTree(file.toFile());
    assertThat(crd.at("/metadata/name").asText())
        .isIn(MtaStsPolicy.CRD_NAME, MtaStsPolicyServer.CRD_NAME);
    JsonNode annotations = crd.at("/metadata/annotations");

    List<String> argoOptions = Arrays.stream(
            annotations.path(MtaStsPolicy.ARGOCD_SYNC_OPTIONS).asText("").split(","))
        .map(String::strip).toList();
    assertThat(argoOptions).as("%s of %s", MtaStsPolicy.ARGOCD_SYNC_OPTIONS, file)
        .contains("Delete=false", "Prune=false");
    assertThat(annotations.path(MtaStsPolicy.FLUX_PRUNE).asText()).as(file.toString())
        .isEqualTo("disabled");
    assertThat(annotations.path(MtaStsPolicy.HELM_RESOURCE_POLICY).asText())
        .as(file.toString()).isEqualTo("keep");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void theTemplatesHoldNoCrdNoPolicyAndNoDeleteHook(String name, RenderedChart chart) {
    // helm uninstall deletes what the templates rendered; CRDs in crds/ are never deleted
    assertThat(chart.all(CustomResourceDefinition.class)).isEmpty();
    assertThat(chart.objects()).noneSatisfy(o -> assertThat(o.getKind())
        .isEqualTo(MtaStsPolicy.class.getSimpleName()));
    for (HasMetadata object : chart.objects()) {
      Map<String, String> annotations = object.getMetadata().getAnnotations();
      String hook = annotations == null ? "" : annotations.getOrDefault("helm.sh/hook", "");
      assertThat(hook).as("helm.sh/hook of %s %s", object.getKind(),
          object.getMetadata().getName()).doesNotContain("delete");
    }
  }

  static Stream<Arguments> renderings() {
    return Stream.of(
        Arguments.of("defaults", OperatorChart.render()),
        Arguments.of("every value set",
            OperatorChart.render(OperatorChart.everyKnobValues())));
  }

  private static Stream<Path> yamlFiles(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
          .sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
