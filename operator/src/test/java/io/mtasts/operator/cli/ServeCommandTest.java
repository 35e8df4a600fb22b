package io.mtasts.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What {@code serve} says about its settings before any cluster is contacted. */
class ServeCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void aServerThatIsNotNamespaceSlashNameIsAUsageError() {
    int exit = run("serve", "--server=shared");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--server='shared'", "NAMESPACE/NAME")
        .doesNotContain("MTASTS_SERVE_SERVER");
  }

  @Test
  void aBadPortIsReportedUnderItsFlag() {
    int exit = run("serve", "--server=mail/shared", "--management-port=x");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--management-port='x': a port number from 0 to 65535 is allowed");
  }

  @Test
  void helpNamesEveryVariable() {
    assertThat(run("serve", "--help")).isZero();

    assertThat(out.toString()).contains("MTASTS_SERVE_SERVER", "MTASTS_SERVE_NAMESPACES",
        "MTASTS_SERVE_PORT", "MTASTS_SERVE_MANAGEMENT_PORT");
  }
}
