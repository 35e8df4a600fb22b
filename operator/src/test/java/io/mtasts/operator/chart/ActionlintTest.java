package io.mtasts.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.testing.RequiredComponent;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * actionlint checks what GitHub would only report when a workflow runs: expression and context
 * errors, unknown inputs, and (through shellcheck) the shell of every run: step. .ci/run installs
 * it into the cache directory below.
 */
class ActionlintTest {

  private static final Path CACHED =
      Path.of(System.getProperty("user.home"), ".cache", "mta-sts-operator", "tools", "bin", "actionlint");

  private Path actionlint;

  @BeforeEach
  void findTools() {
    actionlint = Optional.ofNullable(System.getenv("MTASTS_ACTIONLINT")).map(Path::of)
        .or(() -> Optional.of(CACHED).filter(Files::isExecutable))
        .or(() -> onPath("actionlint"))
        .orElse(null);
    RequiredComponent.require(actionlint != null && Files.isExecutable(actionlint),
        "actionlint (.ci/run installs it: go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12)");
    // without shellcheck actionlint silently leaves the run: scripts unchecked
    RequiredComponent.require(onPath("shellcheck").isPresent(), "shellcheck (Debian package shellcheck)");
  }

  @Test
  void theWorkflowsHaveNoFindings() throws Exception {
    List<String> command = new ArrayList<>(List.of(actionlint.toString(), "-no-color"));
    Workflow.all().forEach(workflow -> command.add(workflow.name()));

    Result result = run(command, OperatorChart.repositoryRoot());

    assertThat(result.output()).as("actionlint output").isEmpty();
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void itReportsAMistakeInAStepsShell(@TempDir Path repository) throws Exception {
    Path workflows = Files.createDirectories(repository.resolve(".github/workflows"));
    Files.writeString(workflows.resolve("broken.yml"), """
        on: push
        permissions: {}
        jobs:
          broken:
            runs-on: ubuntu-24.04
            steps:
              - run: echo ${{ github.event.no_such_context.x }} $UNQUOTED_VARIABLE
        """);

    Result result = run(List.of(actionlint.toString(), "-no-color", ".github/workflows/broken.yml"), repository);

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("broken.yml:7:");
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command, Path directory) throws IOException, InterruptedException {
    Path output = Files.createTempFile("actionlint", ".txt");
    try {
      Process process = new ProcessBuilder(command).directory(directory.toFile())
          .redirectErrorStream(true).redirectOutput(output.toFile()).start();
      process.getOutputStream().close();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("actionlint did not finish within 120 s");
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static Optional<Path> onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(directory -> !directory.isEmpty())
        .map(directory -> Path.of(directory, program))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
