package io.mtasts.operator.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.cli.RenderRun;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file under examples/ is what a user copies, so every one is checked: each MtaStsPolicy
 * is accepted by the CRD schema and by the operator and renders; every other document is a
 * well-formed Kubernetes object. The files are found by walking the directory, so a new example
 * is checked without being listed anywhere.
 */
class ExamplesTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private static final String PLACEHOLDER_REPO =
      "https://example.com/your-org/mta-sts-operator.git";

  private static CrdSchemaValidator schema;

  @BeforeAll
  static void loadCommittedCrd() throws IOException {
    schema = CrdSchemaValidator.load(ExampleFiles.committedCrd(), "v1alpha1");
  }

  @TestFactory
  Stream<DynamicTest> everyExampleIsValidAndRenders() throws IOException {
    List<Path> files = ExampleFiles.yaml();
    assertThat(files).isNotEmpty();
    return files.stream().map(file -> DynamicTest.dynamicTest(file.toString(), () -> {
      List<JsonNode> documents = documents(file);
      assertThat(documents).as("documents in %s", file).isNotEmpty();
      int policies = 0;
      for (JsonNode document : documents) {
        assertThat(document.path("apiVersion").asText()).as("apiVersion in %s", file)
            .isNotBlank();
        assertThat(document.path("kind").asText()).as("kind in %s", file).isNotBlank();
        assertThat(document.at("/metadata/name").asText()).as("metadata.name in %s", file)
            .isNotBlank();
        if (document.get("kind").asText().equals("MtaStsPolicy")) {
          policies++;
          checkPolicy(file, document);
        }
      }
      if (policies > 0) {
        RenderRun run = RenderRun.of("-f", ExampleFiles.directory().resolve(file).toString());
        assertThat(run.exitCode()).as("render -f %s: %s", file, run).isZero();
        assertThat(run.out().lines().filter(l -> l.startsWith("# Policy of MtaStsPolicy ")))
            .as("policies rendered from %s", file).hasSize(policies);
      }
    }));
  }

  private static void checkPolicy(Path file, JsonNode document) {
    String name = file + " " + document.at("/metadata/name").asText();
    assertThat(document.get("apiVersion").asText()).as(name).isEqualTo("mtasts.io/v1alpha1");
    MtaStsPolicy policy = KUBE.convertValue(document, MtaStsPolicy.class);
    // with the operator's default limits, which an example must fit without changed settings
    assertThat(SpecValidator.problems(policy.getSpec(), PlanSettings.defaults()))
        .as("operator's check of %s", name).isEmpty();
    assertThat(schema.problems(document)).as("CRD schema check of %s", name).isEmpty();
  }

  @Test
  void everyFileIsAYamlExampleOrTheReadme() throws IOException {
    assertThat(ExampleFiles.all()).allSatisfy(file -> assertThat(file.toString())
        .as("only .yaml files are checked by this test; rename or remove %s", file)
        .matches(".*\\.yaml|README\\.md"));
  }

  @Test
  void everyExampleSaysFirstWhatItNeeds() throws IOException {
    assertThat(ExampleFiles.yaml()).allSatisfy(file -> assertThat(
        Files.readString(ExampleFiles.directory().resolve(file)))
        .as("%s begins with a '# Needs:' line", file).startsWith("# Needs: "));
  }

  @Test
  void readmeDescribesEveryExample() throws IOException {
    String readme = Files.readString(ExampleFiles.directory().resolve("README.md"));

    assertThat(ExampleFiles.yaml()).allSatisfy(file -> assertThat(readme)
        .as("examples/README.md mentions %s", file).contains(file.toString()));
  }

  @Test
  void basicAppliesToAnyNamespaceInTestingMode() throws IOException {
    List<JsonNode> documents = documents(Path.of("basic.yaml"));

    assertThat(documents).singleElement().satisfies(d -> {
      assertThat(d.get("kind").asText()).isEqualTo("MtaStsPolicy");
      assertThat(d.at("/metadata/namespace").isMissingNode()).as("namespace-less").isTrue();
      assertThat(KUBE.convertValue(d, MtaStsPolicy.class).getSpec().effectiveMode())
          .isEqualTo(Mode.TESTING);
    });
  }

  @Test
  void enforceExampleShipsTheClusterIssuerItNames() throws IOException {
    List<JsonNode> documents = documents(Path.of("enforce-cert-manager.yaml"));

    JsonNode policy = documents.get(0);
    assertThat(policy.at("/spec/mode").asText()).isEqualTo("enforce");
    assertThat(policy.at("/spec/tls/issuerRef/kind").asText()).isEqualTo("ClusterIssuer");
    assertThat(documents.get(1).get("kind").asText()).isEqualTo("ClusterIssuer");
    assertThat(documents.get(1).at("/metadata/name").asText())
        .isEqualTo(policy.at("/spec/tls/issuerRef/name").asText());
  }

  @Test
  void multipleDomainsAreSeveralPoliciesInOneNamespace() throws IOException {
    List<JsonNode> documents = documents(Path.of("multiple-domains.yaml"));

    assertThat(documents).hasSizeGreaterThan(1).allSatisfy(
        d -> assertThat(d.get("kind").asText()).isEqualTo("MtaStsPolicy"));
    assertThat(documents.stream().map(d -> d.at("/metadata/namespace").asText()).distinct())
        .hasSize(1);
    assertThat(documents.stream().map(d -> d.at("/spec/domain").asText()).distinct())
        .hasSize(documents.size());
  }

  @Test
  void argoCdApplicationsInstallTheChartAndSyncAPolicyDirectoryOfThisRepository()
      throws IOException {
    JsonNode operator = documents(Path.of("gitops/argocd/operator.yaml")).get(0);
    JsonNode policies = documents(Path.of("gitops/argocd/policies.yaml")).get(0);

    assertThat(List.of(operator, policies)).allSatisfy(app -> {
      assertThat(app.get("apiVersion").asText()).isEqualTo("argoproj.io/v1alpha1");
      assertThat(app.get("kind").asText()).isEqualTo("Application");
      assertThat(app.at("/spec/source/repoURL").asText()).isEqualTo(PLACEHOLDER_REPO);
    });
    assertChart(operator.at("/spec/source/path").asText());
    assertPolicyDirectory(policies.at("/spec/source/path").asText());
  }

  @Test
  void fluxInstallsTheChartFromGitAndAppliesAPolicyDirectoryOfThisRepository()
      throws IOException {
    List<JsonNode> operator = documents(Path.of("gitops/flux/operator.yaml"));
    JsonNode kustomization = documents(Path.of("gitops/flux/policies.yaml")).get(0);

    JsonNode repository = operator.get(0);
    JsonNode release = operator.get(1);
    assertThat(repository.get("kind").asText()).isEqualTo("GitRepository");
    assertThat(repository.at("/spec/url").asText()).isEqualTo(PLACEHOLDER_REPO);
    assertThat(release.get("kind").asText()).isEqualTo("HelmRelease");
    assertThat(release.at("/spec/chart/spec/sourceRef/name").asText())
        .isEqualTo(repository.at("/metadata/name").asText());
    assertChart(release.at("/spec/chart/spec/chart").asText());
    assertThat(kustomization.get("kind").asText()).isEqualTo("Kustomization");
    assertThat(kustomization.at("/spec/sourceRef/name").asText())
        .isEqualTo(repository.at("/metadata/name").asText());
    assertPolicyDirectory(kustomization.at("/spec/path").asText());
  }

  private static void assertChart(String path) {
    Path chart = ExampleFiles.repoRoot().resolve(path).normalize();
    assertThat(ExampleFiles.repoRoot().relativize(chart).toString())
        .isEqualTo("helm/mta-sts-operator");
    assertThat(chart.resolve("Chart.yaml")).as("the chart the GitOps examples install")
        .isRegularFile();
  }

  private static void assertPolicyDirectory(String path) throws IOException {
    Path directory = ExampleFiles.repoRoot().resolve(path).normalize();
    assertThat(directory).isDirectory();
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).toList();
      assertThat(yaml).as("policies in %s", path).isNotEmpty();
      for (Path file : yaml) {
        assertThat(documents(ExampleFiles.directory().relativize(file)))
            .allSatisfy(d -> {
              assertThat(d.get("kind").asText()).isEqualTo("MtaStsPolicy");
              assertThat(d.at("/metadata/namespace").isMissingNode())
                  .as("%s leaves the namespace to the GitOps tool", file).isTrue();
            });
      }
    }
  }

  /** The non-empty YAML documents of an example, by its path under examples/. */
  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> values = YAML.readerFor(JsonNode.class)
        .readValues(ExampleFiles.directory().resolve(file).toFile())) {
      while (values.hasNextValue()) {
        JsonNode node = values.nextValue();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          documents.add(node);
        }
      }
    }
    return documents;
  }
}
