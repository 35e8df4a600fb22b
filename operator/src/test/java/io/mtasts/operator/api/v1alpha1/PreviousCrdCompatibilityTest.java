package io.mtasts.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Policies stored under the CRD of an earlier release stay valid and keep their data under the
 * current one: the API server prunes fields the new schema lacks and refuses updates of objects
 * that miss a newly required field or hold a value no longer allowed. Checked without a cluster
 * against the copies in {@code e2e/previous-crds/}; {@code PreviousCrdUpgradeE2E} runs the same
 * upgrade on a real API server.
 */
class PreviousCrdCompatibilityTest {

  private static final YAMLMapper YAML = new YAMLMapper();

  static Stream<Path> previousCrds() {
    Path dir = CommittedCrd.repoRoot().resolve("e2e").resolve("previous-crds");
    try (Stream<Path> files = Files.walk(dir, 2)) {
      List<Path> found = files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
      assertThat(found).as("released CRDs under %s", dir).isNotEmpty();
      return found.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("previousCrds")
  void theCurrentCrdServesEveryVersionAndKeepsEveryField(Path previousFile) throws IOException {
    JsonNode previous = YAML.readTree(previousFile.toFile());
    Path currentFile = CommittedCrd.repoRoot().resolve("crds")
        .resolve(previousFile.getFileName().toString());
    assertThat(currentFile).as("the current CRD of %s", previous.at("/metadata/name").asText())
        .isRegularFile();
    JsonNode current = YAML.readTree(currentFile.toFile());

    assertThat(current.at("/metadata/name")).isEqualTo(previous.at("/metadata/name"));
    for (String field : List.of("/spec/group", "/spec/scope", "/spec/names/kind",
        "/spec/names/plural")) {
      assertThat(current.at(field)).as(field).isEqualTo(previous.at(field));
    }
    for (JsonNode version : previous.at("/spec/versions")) {
      String name = version.get("name").asText();
      JsonNode now = version(current, name);
      assertThat(now).as("version %s in the current CRD", name).isNotNull();
      assertThat(now.path("served").asBoolean()).as("version %s served", name).isTrue();
      List<String> problems = new ArrayList<>();
      compare(version.at("/schema/openAPIV3Schema"), now.at("/schema/openAPIV3Schema"),
          name, problems);
      assertThat(problems).as("what objects stored under %s would lose or fail", previousFile)
          .isEmpty();
    }
  }

  private static JsonNode version(JsonNode crd, String name) {
    for (JsonNode v : crd.at("/spec/versions")) {
      if (v.get("name").asText().equals(name)) {
        return v;
      }
    }
    return null;
  }

  private static void compare(JsonNode before, JsonNode after, String path,
      List<String> problems) {
    if (after.isMissingNode()) {
      problems.add(path + ": removed (the API server would prune it from stored objects)");
      return;
    }
    if (!before.path("type").equals(after.path("type"))) {
      problems.add(path + ": type " + before.path("type") + " became " + after.path("type"));
    }
    Set<String> required = new HashSet<>();
    after.path("required").forEach(r -> required.add(r.asText()));
    before.path("required").forEach(r -> required.remove(r.asText()));
    if (!required.isEmpty()) {
      problems.add(path + ": newly required " + required);
    }
    if (before.has("enum")) {
      Set<String> allowed = new HashSet<>();
      after.path("enum").forEach(e -> allowed.add(e.asText()));
      before.path("enum").forEach(e -> {
        if (after.has("enum") && !allowed.contains(e.asText())) {
          problems.add(path + ": value " + e.asText() + " no longer allowed");
        }
      });
    }
    for (Map.Entry<String, JsonNode> property : before.path("properties").properties()) {
      compare(property.getValue(), after.path("properties").path(property.getKey()),
          path + "." + property.getKey(), problems);
    }
    if (before.has("items")) {
      compare(before.get("items"), after.path("items"), path + "[]", problems);
    }
    if (before.path("additionalProperties").isObject()) {
      compare(before.get("additionalProperties"), after.path("additionalProperties"),
          path + "{}", problems);
    }
  }
}
