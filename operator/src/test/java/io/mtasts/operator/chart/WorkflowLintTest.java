package io.mtasts.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every workflow under .github/workflows: it parses, each action is pinned to a commit, each job
 * holds only the permissions it uses, and every repository file a step names exists.
 */
class WorkflowLintTest {

  /** owner/repo[/path]@40-hex commit. */
  private static final Pattern PINNED_ACTION = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}");
  /** A uses: line with the release the commit is, as a comment: "uses: a/b@<sha> # v1.2.3". */
  private static final Pattern USES_LINE =
      Pattern.compile("(?m)^\\s*(?:-\\s+)?uses:\\s*(\\S+)[ \\t]*(?:#[ \\t]*(\\S+))?[ \\t]*$");
  private static final Pattern EXACT_VERSION = Pattern.compile("v\\d+\\.\\d+\\.\\d+");

  /**
   * What a job must do to need write access to each scope; a job that does it needs the scope,
   * any other must not have it. cosign stores signatures and attestations in the registry, so
   * signing also writes packages.
   */
  private static final Map<String, Predicate<String>> WRITE_SCOPES = Map.of(
      "id-token", run -> run.contains("cosign sign") || run.contains("cosign attest"),
      "packages", run -> run.contains("jib:build") || run.contains("helm push")
          || run.contains("cosign sign") || run.contains("cosign attest"),
      "contents", run -> run.contains("gh release"));

  @Test
  void theCiAndReleaseWorkflowsRunOnTheirEvents() {
    JsonNode ci = Workflow.named("ci.yml").tree().path("on");
    JsonNode release = Workflow.named("release.yml").tree().path("on");

    assertThat(ci.has("pull_request")).as("ci.yml runs on pull requests").isTrue();
    assertThat(ci.path("push").path("branches")).extracting(JsonNode::asText).containsExactly("main");
    assertThat(release.path("push").path("tags")).extracting(JsonNode::asText).containsExactly("v*");
    assertThat(release.path("push").has("branches")).as("release.yml runs on tags only").isFalse();
    assertThat(Workflow.named("ci.yml").steps()).extracting(step -> program(step.run()))
        .as("ci.yml runs .ci/run").contains(".ci/run");
  }

  @Test
  void everyJobHasARunnerAndStepsThatEachRunOrUseOneThing() {
    List<Workflow> workflows = Workflow.all();
    assertThat(workflows).extracting(Workflow::name)
        .contains(".github/workflows/ci.yml", ".github/workflows/release.yml");

    for (Workflow workflow : workflows) {
      assertThat(workflow.tree().isObject()).as("%s is a mapping", workflow.name()).isTrue();
      assertThat(workflow.tree().has("on")).as("%s has triggers (on:)", workflow.name()).isTrue();
      assertThat(workflow.jobs()).as("%s jobs", workflow.name()).isNotEmpty();
      for (Map.Entry<String, JsonNode> job : workflow.jobs()) {
        assertThat(job.getValue().path("runs-on").asText())
            .as("%s jobs.%s.runs-on names a fixed runner image", workflow.name(), job.getKey())
            .matches("ubuntu-\\d+\\.\\d+");
        assertThat(job.getValue().path("steps").size()).as("%s jobs.%s.steps", workflow.name(), job.getKey())
            .isPositive();
      }
      for (Workflow.Step step : workflow.steps()) {
        assertThat(step.body().has("uses") != step.body().has("run"))
            .as("%s %s has exactly one of uses: and run:", workflow.name(), step.where())
            .isTrue();
      }
      for (Map.Entry<String, JsonNode> need : needs(workflow).entrySet()) {
        assertThat(workflow.tree().path("jobs").has(need.getValue().asText()))
            .as("%s jobs.%s needs an existing job", workflow.name(), need.getKey())
            .isTrue();
      }
    }
  }

  @Test
  void everyActionIsPinnedToACommitNamedByItsReleaseInAComment() {
    Map<String, String> pinOfAction = new HashMap<>();
    for (Workflow workflow : Workflow.all()) {
      Map<String, String> commentOfUses = new HashMap<>();
      Matcher line = USES_LINE.matcher(workflow.text());
      while (line.find()) {
        commentOfUses.put(line.group(1), line.group(2) == null ? "" : line.group(2));
      }
      for (Workflow.Step step : workflow.steps()) {
        String uses = step.uses();
        if (uses.isEmpty()) {
          continue;
        }
        assertThat(uses).as("%s %s: actions are pinned by a full commit SHA", workflow.name(), step.where())
            .matches(PINNED_ACTION);
        assertThat(commentOfUses.getOrDefault(uses, ""))
            .as("%s %s: the comment after %s names its release (# vX.Y.Z)", workflow.name(), step.where(), uses)
            .matches(EXACT_VERSION);
        String action = uses.substring(0, uses.indexOf('@'));
        String pin = uses + " # " + commentOfUses.get(uses);
        assertThat(pinOfAction.putIfAbsent(action, pin))
            .as("%s is pinned to one commit in every workflow", action)
            .isIn(null, pin);
      }
    }
    assertThat(pinOfAction).containsKeys("actions/checkout", "sigstore/cosign-installer");
  }

  @Test
  void eachJobHoldsOnlyThePermissionsItUses() {
    for (Workflow workflow : Workflow.all()) {
      JsonNode defaults = workflow.tree().path("permissions");
      assertThat(defaults.isObject() && defaults.isEmpty())
          .as("%s grants nothing by default (permissions: {}), each job asks for its own", workflow.name())
          .isTrue();

      for (Map.Entry<String, JsonNode> job : workflow.jobs()) {
        String where = workflow.name() + " jobs." + job.getKey();
        JsonNode permissions = job.getValue().path("permissions");
        assertThat(permissions.isObject()).as("%s declares permissions:", where).isTrue();
        permissions.properties().forEach(scope -> assertThat(scope.getValue().asText())
            .as("%s permissions.%s", where, scope.getKey()).isIn("read", "write", "none"));

        String runs = workflow.steps(job.getKey()).stream().map(Workflow.Step::run).collect(Collectors.joining("\n"));
        permissions.properties().stream()
            .filter(scope -> scope.getValue().asText().equals("write"))
            .forEach(scope -> assertThat(WRITE_SCOPES)
                .as("%s may write %s, which no rule here says a job needs", where, scope.getKey())
                .containsKey(scope.getKey()));
        WRITE_SCOPES.forEach((scope, needed) -> assertThat(permissions.path(scope).asText().equals("write"))
            .as("%s has %s: write exactly when its steps need it", where, scope)
            .isEqualTo(needed.test(runs)));
      }
    }
  }

  @Test
  void everyRepositoryFileAStepNamesExists() {
    Path root = OperatorChart.repositoryRoot();
    for (Workflow workflow : Workflow.all()) {
      for (String path : repositoryPaths(workflow.tree(), root)) {
        assertThat(problemWith(path, root)).as("%s names %s", workflow.name(), path).isEmpty();
      }
      for (Workflow.Step step : workflow.steps()) {
        for (String command : step.run().replace("\\\n", " ").lines().toList()) {
          String program = program(command);
          if (isRepositoryPath(program, root)) {
            assertThat(Files.isExecutable(root.resolve(program)))
                .as("%s %s runs %s, which must be executable", workflow.name(), step.where(), program)
                .isTrue();
          }
        }
      }
    }
  }

  @Test
  void theFileCheckSeesTheFilesTheWorkflowsName() {
    Path root = OperatorChart.repositoryRoot();

    assertThat(repositoryPaths(Workflow.named("ci.yml").tree(), root))
        .contains(".ci/run", "e2e/lib/common.sh", "e2e/build-control-plane.sh");
    assertThat(repositoryPaths(Workflow.named("release.yml").tree(), root))
        .contains("crds/mtastspolicies.mtasts.io-v1.yml", "helm/mta-sts-operator",
            "operator/target/mta-sts-operator.cdx.json");
    assertThat(program("sudo --preserve-env env \"PATH=$PATH\" HOME=/h .ci/run --flag")).isEqualTo(".ci/run");
    assertThat(program("  mvn -B verify")).isEqualTo("mvn");
    assertThat(program("  --predicate operator/target/x.json \"$IMAGE\"")).isEqualTo("--predicate");
    assertThat(problemWith("e2e/no-such-script.sh", root)).isNotEmpty();
    assertThat(problemWith("bench/target/x.json", root)).isEmpty();
    assertThat(problemWith("docs/target/x.json", root)).contains("not a Maven module");
    assertThat(problemWith("e2e/*.sh", root)).isEmpty();
    assertThat(problemWith("e2e/*.nothing", root)).isNotEmpty();
  }

  /** Each job's needs:, as "job" to a needed job id. */
  private static Map<String, JsonNode> needs(Workflow workflow) {
    Map<String, JsonNode> needs = new HashMap<>();
    for (Map.Entry<String, JsonNode> job : workflow.jobs()) {
      JsonNode need = job.getValue().path("needs");
      if (need.isTextual()) {
        needs.put(job.getKey() + " -> " + need.asText(), need);
      }
      need.forEach(one -> needs.put(job.getKey() + " -> " + one.asText(), one));
    }
    return needs;
  }

  /**
   * Paths into the repository in the workflow's string values (run scripts, with: inputs, env):
   * a word starting with one of the repository's top-level directories.
   */
  static Set<String> repositoryPaths(JsonNode tree, Path root) {
    String directories;
    try (Stream<Path> entries = Files.list(root)) {
      directories = entries
          .filter(Files::isDirectory)
          .map(entry -> entry.getFileName().toString())
          .filter(name -> !name.equals(".git") && !name.equals("target"))
          .map(Pattern::quote)
          .collect(Collectors.joining("|"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    Pattern path = Pattern.compile("(?:^|(?<=[\\s\"'=(,]))(?:\\./)?((?:" + directories + ")/[^\\s\"'`(),;|&<>]*)");
    Set<String> found = new LinkedHashSet<>();
    for (String text : strings(tree)) {
      Matcher matcher = path.matcher(text);
      while (matcher.find()) {
        found.add(matcher.group(1).replaceAll("[.:/]+$", ""));
      }
    }
    return found;
  }

  /** The program a command line runs, past sudo, env, their options and variable assignments. */
  static String program(String command) {
    boolean inPrefix = false;
    for (String word : command.strip().split("\\s+")) {
      if (word.equals("sudo") || word.equals("env")) {
        inPrefix = true;
      } else if (!(inPrefix && word.startsWith("-")) && !word.matches("\"?[A-Za-z_][A-Za-z0-9_]*=.*")) {
        return word;
      }
    }
    return "";
  }

  private static boolean isRepositoryPath(String word, Path root) {
    return !word.isEmpty() && !word.startsWith("$") && !word.startsWith("-")
        && word.contains("/") && Files.exists(root.resolve(word.split("/")[0]))
        && !word.startsWith("/");
  }

  /**
   * Empty when the path exists. Parts only known when the step runs ($VAR) or made by the build
   * (MODULE/target/...) are checked up to where they start.
   */
  static String problemWith(String path, Path root) {
    int variable = path.indexOf('$');
    if (variable >= 0) {
      String directory = path.substring(0, Math.max(0, path.lastIndexOf('/', variable)));
      return directory.isEmpty() || Files.isDirectory(root.resolve(directory)) ? "" : directory + " is not a directory";
    }
    int target = (path + "/").indexOf("/target/");
    if (target >= 0) {
      String module = path.substring(0, target);
      return Files.isRegularFile(root.resolve(module).resolve("pom.xml")) ? "" : module + " is not a Maven module";
    }
    if (path.contains("*") || path.contains("?")) {
      PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + path);
      try (Stream<Path> files = Files.walk(root)) {
        return files.map(root::relativize).anyMatch(glob::matches) ? "" : "nothing matches " + path;
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    return Files.exists(root.resolve(path)) ? "" : path + " does not exist";
  }

  private static List<String> strings(JsonNode node) {
    List<String> strings = new ArrayList<>();
    if (node.isTextual()) {
      strings.add(node.asText());
    }
    node.forEach(child -> strings.addAll(strings(child)));
    return strings;
  }
}
