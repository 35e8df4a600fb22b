package io.mtasts.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.lang.module.ModuleDescriptor.Version;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * What the tag workflow (.github/workflows/release.yml) publishes is what the chart, the release
 * profile of operator/pom.xml and the README's install section expect.
 */
class ReleaseWorkflowTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static Workflow release;
  private static Element operatorPom;
  private static JsonNode chart;
  private static JsonNode values;

  @BeforeAll
  static void read() throws Exception {
    release = Workflow.named("release.yml");
    operatorPom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(OperatorChart.repositoryRoot().resolve("operator/pom.xml").toFile()).getDocumentElement();
    chart = YAML.readTree(OperatorChart.directory().resolve("Chart.yaml").toFile());
    values = YAML.readTree(OperatorChart.directory().resolve("values.yaml").toFile());
  }

  @Test
  void theImageTheTagPushesIsTheOneTheChartRunsByDefault() {
    String image = release.env("IMAGE");
    String pushed = release.step("image", "push").run();

    assertThat(values.path("image").path("repository").asText()).isEqualTo(image);
    assertThat(values.path("image").path("tag").asText()).as("image.tag defaults to the appVersion").isEmpty();
    assertThat(values.path("image").path("digest").asText()).isEmpty();
    assertThat(OperatorDeploymentTest.operatorContainer(OperatorChart.render()).getImage())
        .isEqualTo(image + ":" + chart.path("appVersion").asText());
    // the tag pushed is the project version the version step checked against the git tag
    assertThat(pushed).contains("jib:build").contains("-Djib.to.image=\"$IMAGE:$VERSION\"");
    assertThat(release.step("image", "push").body().path("env").path("VERSION").asText())
        .isEqualTo("${{ steps.version.outputs.version }}");
    assertThat(release.step("image", "version").run())
        .contains("-Dexpression=project.version")
        .contains("\"$TAG\" != \"v$version\"")
        .contains("*-SNAPSHOT)");
  }

  @Test
  void theChartPushedIsTheVersionOfTheTag() {
    String packaged = release.steps("chart").stream().map(Workflow.Step::run).collect(Collectors.joining("\n"));

    assertThat(packaged).contains("helm package helm/mta-sts-operator")
        .contains("dist/mta-sts-operator-$VERSION.tgz")
        .contains("helm push \"dist/mta-sts-operator-$VERSION.tgz\" \"$CHART_REPOSITORY\"");
    assertThat(release.env("CHART_REPOSITORY")).startsWith("oci://ghcr.io/");
    // helm push appends the chart name; an image and a chart must not share a repository
    assertThat(release.env("CHART_REPOSITORY").substring("oci://".length()) + "/" + chart.path("name").asText())
        .isNotEqualTo(release.env("IMAGE"));
  }

  @Test
  void theImageIsBuiltForBothPlatformsFromTheBaseThePomNames() {
    Element jib = releasePlugin("jib-maven-plugin");

    assertThat(texts(jib, "configuration", "from", "image")).containsExactly(release.env("BASE_IMAGE"));
    assertThat(texts(jib, "configuration", "from", "platforms", "platform").stream()
            .map(platform -> platform.replaceAll("\\s+", " ").strip()).toList())
        .containsExactly("amd64 linux", "arm64 linux");
    assertThat(texts(jib, "configuration", "skip")).containsExactly("false");
    assertThat(release.step("image", "push").run())
        .contains("-Djib.from.image=\"$BASE_IMAGE@$BASE_DIGEST\"");
  }

  @Test
  void theSbomPublishedIsTheOneTheReleaseProfileWrites() {
    Element cyclonedx = releasePlugin("cyclonedx-maven-plugin");
    String file = "operator/target/" + texts(cyclonedx, "configuration", "outputName").get(0)
        + "." + texts(cyclonedx, "configuration", "outputFormat").get(0);

    assertThat(texts(cyclonedx, "configuration", "includeTestScope")).containsExactly("false");
    assertThat(texts(cyclonedx, "executions", "execution", "phase")).containsExactly("package");
    assertThat(release.step("image", "push").run()).contains("-Prelease verify");
    List<String> runs = release.steps("image").stream().map(Workflow.Step::run).toList();
    assertThat(runs).anyMatch(run -> run.contains("cosign attest") && run.contains("--predicate " + file));
    assertThat(runs).anyMatch(run -> run.contains("cp " + file + " \"dist/"));
  }

  @Test
  void theOrdinaryBuildNeitherBuildsAnImageNorAnSbom() {
    Element build = child(operatorPom, "build");

    assertThat(plugins(build)).doesNotContain("jib-maven-plugin", "cyclonedx-maven-plugin");
  }

  @Test
  void theReleaseCarriesTheCrdAndEveryFileTheOtherJobsUpload() {
    String created = release.steps("github-release").stream().map(Workflow.Step::run).collect(Collectors.joining("\n"));
    JsonNode download = release.steps("github-release").stream()
        .filter(step -> step.uses().startsWith("actions/download-artifact@")).findFirst()
        .orElseThrow(() -> new AssertionError("the release job downloads no artifacts")).body();

    assertThat(created).contains("cp crds/mtastspolicies.mtasts.io-v1.yml dist/").contains("gh release create \"$TAG\"")
        .contains(" dist/*");
    assertThat(download.path("with").path("path").asText()).isEqualTo("dist");
    assertThat(download.path("with").path("merge-multiple").asBoolean()).isTrue();
    assertThat(release.job("github-release").path("needs")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("image", "chart");
  }

  @Test
  void theReadmeInstallsTheReleasedChartAndVerifiesWhatThisWorkflowSigned() throws Exception {
    String readme = Files.readString(OperatorChart.repositoryRoot().resolve("README.md"));
    String chartReference = release.env("CHART_REPOSITORY") + "/" + chart.path("name").asText();
    String signer = "https://github.com/" + release.env("IMAGE").split("/")[1] + "/mta-sts-operator"
        + "/.github/workflows/release.yml@refs/tags/v";

    List<String> installed = versionsAfter(readme, "helm install mta-sts-operator " + chartReference + " --version ");
    List<String> verified = new ArrayList<>(versionsAfter(readme, "cosign verify " + release.env("IMAGE") + ":"));
    verified.addAll(versionsAfter(readme, "cosign verify " + chartReference.substring("oci://".length()) + ":"));
    List<String> signedAt = versionsAfter(readme, "--certificate-identity " + signer);

    assertThat(installed).as("README: helm install from %s", chartReference).isNotEmpty();
    assertThat(verified).as("README: cosign verify of the image and of the chart").hasSize(2);
    assertThat(signedAt).as("README: certificate identity %s<version>", signer).hasSize(2);
    assertThat(readme).as("README").contains("--certificate-oidc-issuer https://token.actions.githubusercontent.com");

    // one version throughout: the chart's when releasing, else a release not newer than it
    String shown = installed.get(0);
    assertThat(installed).allMatch(shown::equals);
    assertThat(verified).allMatch(shown::equals);
    assertThat(signedAt).allMatch(shown::equals);
    String chartVersion = chart.path("version").asText();
    if (ChartMetadataTest.mavenProjectVersion().endsWith("-SNAPSHOT")) {
      assertThat(Version.parse(shown)).as("README's release %s", shown)
          .isLessThanOrEqualTo(Version.parse(chartVersion));
    } else {
      assertThat(shown).as("README's release").isEqualTo(chartVersion);
    }
  }

  /** The word following each occurrence of prefix. */
  private static List<String> versionsAfter(String text, String prefix) {
    Matcher matcher = Pattern.compile(Pattern.quote(prefix) + "(\\S+)").matcher(text);
    List<String> found = new ArrayList<>();
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }

  private static Element releasePlugin(String artifactId) {
    Element profiles = child(operatorPom, "profiles");
    for (Element profile : children(profiles, "profile")) {
      if (texts(profile, "id").equals(List.of("release"))) {
        for (Element plugin : children(child(child(profile, "build"), "plugins"), "plugin")) {
          if (texts(plugin, "artifactId").equals(List.of(artifactId))) {
            return plugin;
          }
        }
      }
    }
    throw new AssertionError("the release profile of operator/pom.xml has no " + artifactId);
  }

  private static List<String> plugins(Element build) {
    return children(child(build, "plugins"), "plugin").stream()
        .flatMap(plugin -> texts(plugin, "artifactId").stream()).toList();
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    assertThat(found).as("<%s> in <%s>", name, parent.getTagName()).hasSize(1);
    return found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }

  /** Text of the elements at a path of child element names below parent. */
  private static List<String> texts(Element parent, String... path) {
    List<Element> level = List.of(parent);
    for (String name : path) {
      level = level.stream().flatMap(element -> children(element, name).stream()).toList();
    }
    return level.stream().map(element -> element.getTextContent().strip()).toList();
  }
}
