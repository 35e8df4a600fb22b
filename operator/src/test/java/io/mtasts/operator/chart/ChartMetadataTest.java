package io.mtasts.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** The chart as a package: it lints clean, carries the project's version and documents its values. */
class ChartMetadataTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Values documented as one row in the README rather than one row per nested key. */
  private static final Set<String> DOCUMENTED_AS_A_WHOLE = Set.of("resources", "podSecurityContext", "securityContext");

  @Test
  void strictLintFindsNothing() {
    LintResult result = OperatorChart.helm().lint().strict().call();

    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
  }

  @Test
  void chartVersionAndAppVersionAreTheMavenProjectVersionWithoutSnapshot() throws Exception {
    JsonNode chart = YAML.readTree(OperatorChart.directory().resolve("Chart.yaml").toFile());
    String release = mavenProjectVersion().replaceFirst("-SNAPSHOT$", "");

    assertThat(chart.path("name").asText()).isEqualTo("mta-sts-operator");
    assertThat(chart.path("version").asText()).isEqualTo(release);
    assertThat(chart.path("appVersion").asText()).isEqualTo(release);
  }

  @Test
  void theReadmeDocumentsEveryValue() throws IOException {
    JsonNode values = YAML.readTree(OperatorChart.directory().resolve("values.yaml").toFile());
    String readme = Files.readString(OperatorChart.directory().resolve("README.md"));

    List<String> undocumented = valuePaths(values, "").stream()
        .filter(path -> !readme.contains("| `" + path + "`"))
        .toList();
    assertThat(undocumented).as("values without a row in helm/mta-sts-operator/README.md").isEmpty();
  }

  private static List<String> valuePaths(JsonNode node, String prefix) {
    List<String> paths = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject() && !value.isEmpty() && !DOCUMENTED_AS_A_WHOLE.contains(path)) {
        paths.addAll(valuePaths(value, path));
      } else {
        paths.add(path);
      }
    }
    return paths;
  }

  static String mavenProjectVersion() throws Exception {
    Path pom = OperatorChart.repositoryRoot().resolve("pom.xml");
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    for (var child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element element && element.getTagName().equals("version")) {
        return element.getTextContent().strip();
      }
    }
    throw new AssertionError("no <version> in " + pom);
  }
}
