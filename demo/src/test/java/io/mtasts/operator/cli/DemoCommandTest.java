package io.mtasts.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo runs the whole product without a cluster and shows what a user needs to see. */
class DemoCommandTest {

  @Test
  void servesVerifiesAndPrintsTheObjectsTheStatusAndTheRecords() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = DemoMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));

    long start = System.nanoTime();
    int exit = cl.execute();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(exit).as(err.toString()).isZero();
    assertThat(took).isLessThan(Duration.ofSeconds(30));
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
  void aFileThatCannotBeReadIsAUsageErrorNamingIt() {
    StringWriter err = new StringWriter();
    var cl = DemoMain.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));

    assertThat(cl.execute("-f", "no-such-policy.yaml")).isEqualTo(2);
    assertThat(err.toString()).contains("mta-sts-demo: cannot read 'no-such-policy.yaml'");
  }
}
