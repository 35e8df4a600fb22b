package io.mtasts.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code run} and the top-level help say before any cluster is contacted. */
class RunCommandTest {
  @TempDir Path tmp;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void aBadFlagValueIsReportedUnderTheFlagNotTheVariable() {
    int exit = run("run", "--verify-concurrency=0");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--verify-concurrency='0' is invalid")
        .doesNotContain("MTASTS_VERIFY_CONCURRENCY");
  }

  @Test
  void aKubeconfigThatDoesNotExistIsNamed() {
    String missing = tmp.resolve("nonexistent").toString();

    String problem = RunCommand.clusterProblem(Map.of("KUBECONFIG", missing), tmp).orElseThrow();

    assertThat(problem).contains("KUBECONFIG", missing, "does not exist")
        .doesNotContain("no KUBECONFIG");
  }

  @Test
  void withNothingConfiguredTheDemoIsSuggestedAsAnotherCommand() {
    String problem = RunCommand.clusterProblem(Map.of(), tmp).orElseThrow();

    assertThat(problem).contains("no cluster is configured", "~/.kube/config",
        "java -jar demo/target/mta-sts-demo.jar");
  }

  @Test
  void helpSaysWhereTheLeaseGoesWhenNoNamespaceIsGiven() {
    assertThat(run("run", "--help")).isZero();

    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("default POD_NAMESPACE, else the kubeconfig context's namespace, else default");
  }
}
