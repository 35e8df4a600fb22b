package io.mtasts.operator.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** One GitHub Actions workflow of the repository (.github/workflows), parsed as YAML. */
record Workflow(Path file, String text, JsonNode tree) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** A step of a job: its position for messages, and its parsed body. */
  record Step(String job, int index, JsonNode body) {

    String uses() {
      return body.path("uses").asText("");
    }

    String run() {
      return body.path("run").asText("");
    }

    String where() {
      return "jobs." + job + ".steps[" + index + "]"
          + (body.has("name") ? " (" + body.path("name").asText() + ")" : "");
    }
  }

  static Path directory() {
    return OperatorChart.repositoryRoot().resolve(".github").resolve("workflows");
  }

  /** Every workflow file, parsed; a file that is not valid YAML fails here with its name. */
  static List<Workflow> all() {
    try (Stream<Path> files = Files.list(directory())) {
      return files
          .filter(file -> file.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted()
          .map(Workflow::read)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Workflow named(String fileName) {
    return read(directory().resolve(fileName));
  }

  static Workflow read(Path file) {
    try {
      String text = Files.readString(file);
      return new Workflow(file, text, YAML.readTree(text));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file + " as YAML: " + e.getMessage(), e);
    }
  }

  String name() {
    return ".github/workflows/" + file.getFileName();
  }

  /** The jobs by id, in file order. */
  List<Map.Entry<String, JsonNode>> jobs() {
    return tree.path("jobs").properties().stream().toList();
  }

  JsonNode job(String id) {
    JsonNode job = tree.path("jobs").path(id);
    if (job.isMissingNode()) {
      throw new AssertionError(name() + " has no job " + id);
    }
    return job;
  }

  List<Step> steps() {
    List<Step> steps = new ArrayList<>();
    for (Map.Entry<String, JsonNode> job : jobs()) {
      steps.addAll(steps(job.getKey()));
    }
    return steps;
  }

  List<Step> steps(String jobId) {
    List<Step> steps = new ArrayList<>();
    JsonNode list = job(jobId).path("steps");
    for (int i = 0; i < list.size(); i++) {
      steps.add(new Step(jobId, i, list.get(i)));
    }
    return steps;
  }

  /** The one step with this id. */
  Step step(String jobId, String stepId) {
    return steps(jobId).stream()
        .filter(step -> stepId.equals(step.body().path("id").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name() + " job " + jobId + " has no step with id " + stepId));
  }

  /** The workflow-level env entry. */
  String env(String name) {
    JsonNode value = tree.path("env").path(name);
    if (!value.isTextual()) {
      throw new AssertionError(name() + " sets no workflow env " + name);
    }
    return value.asText();
  }
}
