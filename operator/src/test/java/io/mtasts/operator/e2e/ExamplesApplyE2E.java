package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every MtaStsPolicy shipped in examples/ is accepted by a real API server without a Warning:
 * kubectl's server-side dry-run prints the API server's Warning headers on stderr, as a user would
 * see them. The other kinds in the files belong to cert-manager, Argo CD and Flux, which the
 * files say they need and this control plane does not run.
 */
class ExamplesApplyE2E {

  private static final Path EXAMPLES =
      Path.of(System.getProperty("mtasts.repoRoot", ".."), "examples");
  private static RealCluster cluster;

  @BeforeAll
  static void connect() {
    cluster = RealCluster.connect("examples");
  }

  @AfterAll
  static void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Stream<Path> exampleFiles() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleFiles")
  void everyPolicyInTheFileIsAcceptedWithoutAWarning(Path file) throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    List<JsonNode> policies = new ArrayList<>();
    try (var documents = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (documents.hasNext()) {
        JsonNode document = (JsonNode) documents.next();
        if (document != null && "MtaStsPolicy".equals(document.path("kind").asText())) {
          // the test's own namespace stands in for the one the file or the GitOps tool sets
          ((ObjectNode) document.get("metadata")).remove("namespace");
          policies.add(document);
        }
      }
    }
    if (policies.isEmpty()) {
      return; // a GitOps tool's manifest; its policies are in examples/gitops/policies
    }
    Path only = Files.createTempFile("example-policies", ".yaml");
    StringBuilder text = new StringBuilder();
    for (JsonNode policy : policies) {
      text.append("---\n").append(yaml.writeValueAsString(policy).replaceFirst("^---\n", ""));
    }
    Files.writeString(only, text);

    String kubectl = System.getenv().getOrDefault("MTASTS_E2E_KUBECTL", "kubectl");
    Process process = new ProcessBuilder(kubectl, "apply", "--dry-run=server", "-n",
        cluster.namespace, "-f", only.toString()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Files.delete(only);

    assertThat(process.exitValue()).as("%s%n%s", out, err).isZero();
    assertThat(err).as("stderr of kubectl apply --dry-run=server").doesNotContain("Warning");
    assertThat(out.lines().filter(l -> l.contains("(server dry run)"))).hasSize(policies.size());
  }
}
