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
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));

    long start = System.nanoTime();
    int exit = cl.execute("demo");
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
        .containsPattern("_mta-sts\\.example\\.com\\. TXT \"v=STSv1; id=[a-z2-7]{20}\"");
  }
}
