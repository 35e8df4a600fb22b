package io.mtasts.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mtasts.operator.tlsrpt.ExampleReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code report}, as a user runs it over the files a mailbox of TLS-RPT reports gives them: every
 * format, the text summary, the JSON lines, and the exit codes 0 (all read), 1 (some invalid), 2
 * (usage).
 */
class ReportCommandTest {

  static final String EXAMPLE_JSON_LINE_AFTER_FILE = "\"reportId\":"
      + "\"5065427c-23d3-47ca-b6e0-946ea0e8c4be\",\"organization\":\"Company-X\","
      + "\"start\":\"2016-04-01T00:00:00Z\",\"end\":\"2016-04-01T23:59:59Z\","
      + "\"policies\":[{\"domain\":\"company-y.example\",\"type\":\"sts\",\"successful\":5326,"
      + "\"failed\":303,\"failures\":["
      + "{\"resultType\":\"starttls-not-supported\",\"count\":200,"
      + "\"receivingMx\":\"mx2.mail.company-y.example\"},"
      + "{\"resultType\":\"certificate-expired\",\"count\":100,"
      + "\"receivingMx\":\"mx1.mail.company-y.example\"},"
      + "{\"resultType\":\"validation-failure\",\"count\":3,"
      + "\"receivingMx\":\"mx-backup.mail.company-y.example\"}]}],\"warnings\":[]}";

  static final List<String> EXAMPLE_TEXT = List.of(
      "  from Company-X (sts-reporting@company-x.example), report"
          + " 5065427c-23d3-47ca-b6e0-946ea0e8c4be",
      "  2016-04-01T00:00:00Z to 2016-04-01T23:59:59Z",
      "    company-y.example (sts): 5326 successful, 303 failed (5.4% of sessions)",
      "      starttls-not-supported          200  at mx2.mail.company-y.example",
      "      certificate-expired             100  at mx1.mail.company-y.example",
      "      validation-failure                3  at mx-backup.mail.company-y.example");

  static final String NO_REPORT_PART = "mail: has no application/tlsrpt+gzip or"
      + " application/tlsrpt+json part (RFC 8460 section 5.3)";

  @TempDir Path dir;
  Path json;
  Path jsonGz;

  @BeforeEach
  void writeReports() throws IOException {
    json = Files.write(dir.resolve("report.json"), ExampleReport.bytes());
    jsonGz = Files.write(dir.resolve("report.json.gz"), gzip(ExampleReport.bytes()));
  }

  // ---------------------------------------------------------------------------------------------
  // each format

  static Stream<Arguments> formats() {
    return Stream.of(
        arguments("report.json", "json"),
        arguments("report.json.gz", "gzip"),
        arguments("google.com!example.com!1459468800!1459555199.gz", "gzip"),
        arguments("report-gzip.eml", "report-gzip.eml"),
        arguments("report-json.eml", "report-json.eml"),
        arguments("no-extension", "gzip"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void everyFormatGivesTheSameReport(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, switch (content) {
      case "json" -> ExampleReport.bytes();
      case "gzip" -> gzip(ExampleReport.bytes());
      default -> ExampleReport.resource(content);
    });

    Run run = report("report", "--json", file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines()).containsExactly(
        "{\"file\":" + quoted(file) + "," + EXAMPLE_JSON_LINE_AFTER_FILE);
    assertThat(run.err()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // text

  @Test
  void textSummarizesEachReportAndEachPolicyDomain() {
    Run run = report("report", json.toString());

    assertThat(run.exitCode()).isZero();
    List<String> expected = new ArrayList<>();
    expected.add("REPORT   " + json);
    expected.addAll(EXAMPLE_TEXT);
    expected.add("Per policy domain:");
    expected.add("  company-y.example: 1 report from Company-X; 5326 successful, 303 failed"
        + " (5.4% of sessions)");
    expected.add("    failures: starttls-not-supported 200, certificate-expired 100,"
        + " validation-failure 3");
    expected.add("1 file: 1 report, 0 invalid, 0 warnings");
    assertThat(run.outLines()).containsExactlyElementsOf(expected);
  }

  @Test
  void domainTotalsAddUpDifferentReportsAndCountACopyOnce() throws IOException {
    Path other = Files.write(dir.resolve("other.json"), ExampleReport.with(t -> {
      t.put("organization-name", "Company-Z");
      t.put("report-id", "2016-04-01-company-z");
      t.remove("contact-info");
      ObjectNode policy = ExampleReport.policy(t);
      policy.with("summary").put("total-successful-session-count", 10);
      policy.with("summary").put("total-failure-session-count", 0);
      policy.remove("failure-details");
    }));

    Run run = report("report", json.toString(), other.toString(), jsonGz.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines()).containsSubsequence(
        "REPORT   " + other,
        "  from Company-Z, report 2016-04-01-company-z",
        "    company-y.example (sts): 10 successful, 0 failed",
        "  warning: contact-info: missing; RFC 8460 asks every report for a contact",
        "REPORT   " + jsonGz,
        "Per policy domain:",
        "  company-y.example: 2 reports from Company-X, Company-Z; 5336 successful, 303 failed"
            + " (5.4% of sessions); 1 more copy of the same reports not counted again",
        "    failures: starttls-not-supported 200, certificate-expired 100,"
            + " validation-failure 3",
        "3 files: 3 reports, 0 invalid, 1 warning");
  }

  @Test
  void aMailWithoutAReportIsInvalidAndSaysWhatWasLookedFor() throws IOException {
    Path mail = Files.write(dir.resolve("ooo.eml"), ExampleReport.resource("no-report.eml"));

    Run run = report("report", mail.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).containsExactly(
        "INVALID  " + mail,
        "  error:   " + NO_REPORT_PART,
        "1 file: 0 reports, 1 invalid, 0 warnings");
  }

  @Test
  void warningsOfAMailAndItsReportAreShown() throws IOException {
    Path mail = Files.write(dir.resolve("labelled.eml"),
        ExampleReport.resource("report-labelled-gzip.eml"));

    Run run = report("report", "--json", mail.toString());

    assertThat(run.exitCode()).isZero();
    JsonNode line = jsonLines(run).get(0);
    assertThat(line.get("warnings")).hasSize(1);
    assertThat(line.get("warnings").get(0).asText()).startsWith(
        "mail: part 'company-x.example!company-y.example!1459468800!1459555199!5065427c.json.gz'"
            + " is labelled application/gzip");
  }

  // ---------------------------------------------------------------------------------------------
  // invalid files among valid ones

  @Test
  void anInvalidFileAmongValidOnesGivesItsErrorLineAndExitOne() throws IOException {
    Path invalid = Files.write(dir.resolve("broken.json"), ExampleReport.with(t ->
        ExampleReport.policy(t).with("summary").remove("total-successful-session-count")));

    Run run = report("report", "--json", json.toString(), invalid.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).containsExactly(
        "{\"file\":" + quoted(json) + "," + EXAMPLE_JSON_LINE_AFTER_FILE,
        "{\"file\":" + quoted(invalid) + ",\"error\":\"policies[0].summary."
            + "total-successful-session-count: missing; expected an integer >= 0\"}");
  }

  @Test
  void theTextOfAnInvalidFileNamesEveryProblem() throws IOException {
    Path invalid = Files.write(dir.resolve("broken.json"), ExampleReport.with(t -> {
      t.remove("report-id");
      t.with("date-range").put("end-datetime", "tomorrow");
    }));

    Run run = report("report", invalid.toString(), json.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).startsWith(
        "INVALID  " + invalid,
        "  error:   report-id: missing; expected a string",
        "  error:   date-range.end-datetime: 'tomorrow' is not an RFC 3339 date-time such as"
            + " 2016-04-01T00:00:00Z",
        "REPORT   " + json);
    assertThat(run.outLines()).last().isEqualTo("2 files: 1 report, 1 invalid, 0 warnings");
  }

  @Test
  void aGzipBombIsAnInvalidFileNotAnOutOfMemoryError() throws IOException {
    Path bomb = Files.write(dir.resolve("bomb.json.gz"), gzip(new byte[32 * 1024 * 1024]));

    Run run = report("report", "--json", bomb.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode line = jsonLines(run).get(0);
    assertThat(line.get("error").asText()).startsWith("gzip: inflates to more than")
        .endsWith("beyond the allowed ratio of 100:1");
  }

  @Test
  void jsonSaysWhichFileIsNotGzip() throws IOException {
    Path wrong = Files.write(dir.resolve("report.gz"), ExampleReport.bytes());

    Run run = report("report", "--json", wrong.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).containsExactly("{\"file\":" + quoted(wrong) + ",\"error\":"
        + "\"gzip: not gzip data (it does not start with the gzip magic bytes 1f 8b)\"}");
  }

  // ---------------------------------------------------------------------------------------------
  // usage

  @Test
  void aMissingFileIsAUsageErrorBeforeAnyOutput() {
    Path missing = dir.resolve("missing.json");

    Run run = report("report", json.toString(), missing.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).containsExactly(
        "mta-sts-operator report: cannot read '" + missing + "': no such file");
  }

  @Test
  void aDirectoryIsAUsageError() {
    Run run = report("report", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly(
        "mta-sts-operator report: '" + dir + "' is a directory, not a report file");
  }

  @Test
  void noFileIsAUsageError() {
    Run run = report("report", "--json");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly(
        "mta-sts-operator report: Missing required parameter: 'FILE' (see --help)");
  }

  @Test
  void helpShowsTheUsage() {
    Run run = report("report", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines().get(0)).isEqualTo("Usage: mta-sts-operator report [-hV] [--json]"
        + " FILE...");
  }

  // ---------------------------------------------------------------------------------------------

  record Run(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Run report(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = Main.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  static List<JsonNode> jsonLines(Run run) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : run.outLines()) {
      nodes.add(mapper.readTree(line));
    }
    return nodes;
  }

  static String quoted(Path file) {
    try {
      return new ObjectMapper().writeValueAsString(file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
