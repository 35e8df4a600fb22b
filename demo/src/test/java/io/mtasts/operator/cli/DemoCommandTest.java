package io.mtasts.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The demo runs the whole product without a cluster and shows what a user needs to see. */
class DemoCommandTest {

  @Test
  void servesVerifiesAndPrintsTheObjectsTheStatusAndTheRecords() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = DemoMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));

    int exit = cl.execute();

    assertThat(exit).as(err.toString()).isZero();
    String text = out.toString();
    assertThat(text)
        .contains("kind: \"ConfigMap\"", "kind: \"Deployment\"", "kind: \"Service\"",
            "kind: \"Ingress\"")
        .contains("type: \"Ready\"")
        .containsPattern("PASS +StsTxtRecord")
        .containsPattern("PASS +PolicyContent")
        .containsPattern("_mta-sts\\.example\\.com\\. TXT \"v=STSv1; id=[0-9]{14}[a-z2-7]{6}\"");
  }

  @Test
  void helpNamesTheDemoJarAndItsOptions() {
    StringWriter out = new StringWriter();
    var cl = DemoMain.commandLine();
    cl.setOut(new PrintWriter(out));

    assertThat(cl.execute("--help")).isZero();
    assertThat(out.toString())
        .startsWith("Usage: mta-sts-demo ")
        .contains("-f, --file=CR.yaml", "--timeout=DURATION", "--verbose");
  }

  @Test
  void helpWrapsTheDescriptionInsteadOfBreakingItEarly() {
    StringWriter out = new StringWriter();
    var cl = DemoMain.commandLine();
    cl.setOut(new PrintWriter(out));

    assertThat(cl.execute("--help")).isZero();
    java.util.List<String> description = out.toString().lines()
        .dropWhile(l -> !l.startsWith("Runs the operator"))
        .takeWhile(l -> !l.startsWith("  "))
        .toList();
    assertThat(description).hasSizeGreaterThan(1);
    assertThat(String.join(" ", description)).endsWith("Needs no cluster and no network.");
    // every line but the last is filled to the width, none is cut short by a forced break
    for (String line : description.subList(0, description.size() - 1)) {
      assertThat(line.length()).as(line).isGreaterThan(60);
    }
  }

  @Test
  void aFileThatCannotBeReadIsAUsageErrorNamingIt() {
    StringWriter err = new StringWriter();
    var cl = DemoMain.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));

    assertThat(cl.execute("-f", "no-such-policy.yaml")).isEqualTo(2);
    assertThat(err.toString()).contains("mta-sts-demo: cannot read 'no-such-policy.yaml'");
  }

  static Stream<Path> policyExamples() throws IOException {
    Path examples = Path.of(System.getProperty("mtasts.repoRoot", ".."), "examples");
    Stream<Path> top;
    try (Stream<Path> files = Files.list(examples)) {
      top = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
    try (Stream<Path> gitops = Files.list(examples.resolve("gitops").resolve("policies"))) {
      return Stream.concat(top, gitops.sorted().toList().stream());
    }
  }

  /** Each example as a user would try it first: {@code demo -f examples/FILE}. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("policyExamples")
  void everyExamplePolicyRunsInTheDemo(Path example) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = DemoMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));

    int exit = cl.execute("-f", example.toString());

    assertThat(exit).as("%s%n%s", err, out).isZero();
    assertThat(out.toString()).containsPattern("PASS +PolicyContent");
    assertThat(err.toString()).doesNotContain("Exception");
  }

  @Test
  void otherKindsAndFurtherPoliciesInTheFileAreSkippedWithANote() {
    Path examples = Path.of(System.getProperty("mtasts.repoRoot", ".."), "examples");
    StringWriter err = new StringWriter();
    var cl = DemoMain.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));

    cl.execute("-f", examples.resolve("enforce-cert-manager.yaml").toString());
    cl.execute("-f", examples.resolve("multiple-domains.yaml").toString());

    assertThat(err.toString()).contains("skipped ClusterIssuer")
        .containsPattern("skipped MtaStsPolicy \\S+ \\(.*multiple-domains\\.yaml:\\d+\\): the"
            + " demo applies one policy");
  }

  @Test
  void anInvalidFileIsReportedAtFileAndLine(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws IOException {
    Path bad = Files.writeString(tmp.resolve("bad.yaml"), """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata: {name: x}
        spec:
          domain: example.com
          mx: [mail.example.com]
          acme: true
        """);
    StringWriter err = new StringWriter();
    var cl = DemoMain.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));

    int exit = cl.execute("-f", bad.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains(bad + ":1: MtaStsPolicy x: ", "acme");
  }
}
