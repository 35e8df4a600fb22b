package io.mtasts.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The two ways to build the image (operator/Dockerfile and Jib in operator/pom.xml) give the same
 * container, and that container is the one the chart expects.
 */
class ImageBuildTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> dockerfile;
  private static Element jib;

  @BeforeAll
  static void readBuilds() throws Exception {
    Path operator = OperatorChart.repositoryRoot().resolve("operator");
    dockerfile = Files.readAllLines(operator.resolve("Dockerfile"));
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(operator.resolve("pom.xml").toFile()).getDocumentElement();
    jib = jibPlugin(project).orElseThrow(() -> new AssertionError("operator/pom.xml configures no Jib plugin"));
  }

  @Test
  void bothRunAsTheNumericNonRootUserOfThePodSecurityContext() throws IOException {
    String chartUser = new ObjectMapper(new YAMLFactory())
        .readTree(OperatorChart.directory().resolve("values.yaml").toFile())
        .path("podSecurityContext").path("runAsUser").asText();

    assertThat(instruction("USER")).isEqualTo(chartUser + ":" + chartUser);
    assertThat(text(jib, "configuration", "container", "user")).isEqualTo(chartUser + ":" + chartUser);
  }

  @Test
  void bothGiveTheJvmTheSameContainerFlags() throws IOException {
    List<String> entrypoint = execForm("ENTRYPOINT");

    assertThat(entrypoint.subList(1, entrypoint.indexOf("-jar")))
        .containsExactly("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError")
        .isEqualTo(texts(jib, "configuration", "container", "jvmFlags", "jvmFlag"));
  }

  @Test
  void bothStartTheOperatorUnlessGivenAnotherCommand() throws IOException {
    assertThat(execForm("ENTRYPOINT")).containsExactly(
        "java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/mta-sts-operator.jar");
    assertThat(execForm("CMD")).containsExactly("run");
    assertThat(texts(jib, "configuration", "container", "args", "arg")).containsExactly("run");
    assertThat(text(jib, "configuration", "container", "mainClass")).isEqualTo("${main.class}");
  }

  @Test
  void bothStartFromAJava17RuntimeImage() {
    List<String> stages = dockerfile.stream().filter(line -> line.startsWith("FROM ")).toList();

    assertThat(stages.get(stages.size() - 1)).isEqualTo("FROM eclipse-temurin:17-jre");
    assertThat(text(jib, "configuration", "from", "image")).isEqualTo("eclipse-temurin:17-jre");
  }

  @Test
  void theDockerBuildStageHasThePomOfEveryModuleTheParentLists() throws Exception {
    Path root = OperatorChart.repositoryRoot();
    Element parent = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(root.resolve("pom.xml").toFile()).getDocumentElement();
    List<String> modules = texts(parent, "modules", "module");
    List<String> ignore = Files.readAllLines(root.resolve("operator/Dockerfile.dockerignore"));

    assertThat(modules).contains("operator");
    for (String module : modules) {
      assertThat(dockerfile).as("operator/Dockerfile copies %s/pom.xml", module)
          .contains("COPY " + module + "/pom.xml " + module + "/");
      assertThat(ignore).as("operator/Dockerfile.dockerignore lets %s/pom.xml through", module)
          .contains("!" + module + "/pom.xml");
    }
  }

  @Test
  void jibRunsOnlyWhenAskedSoThatABuildNeverPushesAnImage() {
    assertThat(jib.getElementsByTagName("executions").getLength()).isZero();
  }

  private static String instruction(String keyword) {
    List<String> found = dockerfile.stream()
        .filter(line -> line.startsWith(keyword + " "))
        .map(line -> line.substring(keyword.length() + 1).strip())
        .toList();
    assertThat(found).as("%s instructions in operator/Dockerfile", keyword).hasSize(1);
    return found.get(0);
  }

  private static List<String> execForm(String keyword) throws IOException {
    return JSON.readValue(instruction(keyword), new TypeReference<List<String>>() {});
  }

  private static Optional<Element> jibPlugin(Element project) {
    NodeList plugins = project.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if ("jib-maven-plugin".equals(text(plugin, "artifactId"))) {
        return Optional.of(plugin);
      }
    }
    return Optional.empty();
  }

  private static String text(Element parent, String... path) {
    List<String> found = texts(parent, path);
    assertThat(found).as("<%s>", String.join("/", path)).hasSize(1);
    return found.get(0);
  }

  /** Text of the elements at a path of child element names below parent. */
  private static List<String> texts(Element parent, String... path) {
    List<Element> level = List.of(parent);
    for (String name : path) {
      List<Element> next = new ArrayList<>();
      for (Element element : level) {
        for (var child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
          if (child instanceof Element childElement && childElement.getTagName().equals(name)) {
            next.add(childElement);
          }
        }
      }
      level = next;
    }
    return level.stream().map(element -> element.getTextContent().strip()).toList();
  }
}
