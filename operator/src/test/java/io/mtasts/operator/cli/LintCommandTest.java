package io.mtasts.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code lint}, as a user runs it: what it prints for each input, the summary, the JSON lines,
 * MX coverage, standard input, and the exit codes 0 (all valid), 1 (some invalid), 2 (usage).
 */
class LintCommandTest {

  static final String VALID = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
      + "mx: *.backup.example.com\r\nmax_age: 604800\r\n";
  static final String WARNING = "version: STSv1\nmode: testing\nmx: mail.example.com\n"
      + "max_age: 86400\n\n";
  static final String INVALID = "version: STSv1\nmx: mail.example.com\nmode: Enforce\n"
      + "max_age: 86400\n";
  static final String TRAILING_BLANK = "line 5: blank line at the end of the policy is outside"
      + " the grammar; some senders reject the policy; remove it";
  static final String MODE_ERROR = "line 3: mode value 'Enforce' must be one of enforce, testing,"
      + " none (case-sensitive)";

  @TempDir Path dir;
  Path valid;
  Path warning;
  Path invalid;

  @BeforeEach
  void writePolicies() throws Exception {
    valid = write("valid.txt", VALID);
    warning = write("warning.txt", WARNING);
    invalid = write("invalid.txt", INVALID);
  }

  // ---------------------------------------------------------------------------------------------
  // human output

  @Test
  void validPolicyPrintsOneLineAndTheSummaryAndExitsZero() {
    Run run = lint("lint", "policy", valid.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines()).containsExactly(
        "VALID    " + valid,
        "1 input: 1 valid, 0 invalid, 0 warnings");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void warningsAreShownButDoNotFailTheLint() {
    Run run = lint("lint", "policy", warning.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines()).containsExactly(
        "VALID    " + warning,
        "  warning: " + TRAILING_BLANK,
        "1 input: 1 valid, 0 invalid, 1 warning");
  }

  @Test
  void invalidPolicyPrintsItsErrorsNamingTheLineAndExitsOne() {
    Run run = lint("lint", "policy", invalid.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).containsExactly(
        "INVALID  " + invalid,
        "  error:   " + MODE_ERROR,
        "1 input: 0 valid, 1 invalid, 0 warnings");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void manyFilesAreReportedInInputOrderWithOneSummary() throws Exception {
    Path both = write("both.txt", INVALID + "\n");

    Run run = lint("lint", "policy", valid.toString(), both.toString(), warning.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).containsExactly(
        "VALID    " + valid,
        "INVALID  " + both,
        "  error:   " + MODE_ERROR,
        "  warning: " + TRAILING_BLANK,
        "VALID    " + warning,
        "  warning: " + TRAILING_BLANK,
        "3 inputs: 2 valid, 1 invalid, 2 warnings");
  }

  @Test
  void mxCoverageIsReportedPerValidPolicyAndHostAndNotForAnInvalidOne() {
    Run run = lint("lint", "policy", "--mx", "mail.example.com", "--mx", "MX1.Backup.Example.Com.",
        "--mx", "a.b.backup.example.com", valid.toString(), invalid.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).containsExactly(
        "VALID    " + valid,
        "  mx mail.example.com: covered",
        "  mx MX1.Backup.Example.Com.: covered",
        "  mx a.b.backup.example.com: NOT covered",
        "INVALID  " + invalid,
        "  error:   " + MODE_ERROR,
        "2 inputs: 1 valid, 1 invalid, 0 warnings");
  }

  @Test
  void recordsAreQuotedAndCheckedOneByOne() {
    Run run = lint("lint", "sts-record", "v=STSv1; id=20240101", "v=STSv1 ; id=abc",
        "v=STSv10; id=abc");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).containsExactly(
        "VALID    'v=STSv1; id=20240101'",
        "VALID    'v=STSv1 ; id=abc'",
        "  warning: whitespace before the first ';' : senders that require the record to begin"
            + " with exactly 'v=STSv1;' discard it; write 'v=STSv1; ...'",
        "INVALID  'v=STSv10; id=abc'",
        "  error:   record must begin with 'v=STSv1' (case-sensitive); found 'v=STSv10'",
        "3 inputs: 2 valid, 1 invalid, 1 warning");
  }

  @Test
  void tlsRptRecordErrorsNameTheField() {
    Run run = lint("lint", "tlsrpt-record", "v=TLSRPTv1; rua=mailto:tls!rpt@example.com");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).containsExactly(
        "INVALID  'v=TLSRPTv1; rua=mailto:tls!rpt@example.com'",
        "  error:   field rua: URI 'mailto:tls!rpt@example.com' contains '!', which must be"
            + " percent-encoded as %21",
        "1 input: 0 valid, 1 invalid, 0 warnings");
  }

  // ---------------------------------------------------------------------------------------------
  // JSON lines

  @Test
  void jsonIsOneObjectPerInputInInputOrderWithoutMxUnlessAsked() throws Exception {
    Run run = lint("lint", "policy", "--json", valid.toString(), warning.toString(),
        invalid.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    List<JsonNode> lines = json(run);
    assertThat(lines).hasSize(3);
    for (JsonNode line : lines) {
      assertThat(fieldNames(line)).containsExactly("input", "valid", "errors", "warnings");
    }
    assertThat(lines.get(0).toString()).isEqualTo("{\"input\":\"" + valid
        + "\",\"valid\":true,\"errors\":[],\"warnings\":[]}");
    assertThat(lines.get(1).get("input").asText()).isEqualTo(warning.toString());
    assertThat(lines.get(1).get("valid").asBoolean()).isTrue();
    assertThat(lines.get(1).get("warnings").get(0).asText()).isEqualTo(TRAILING_BLANK);
    assertThat(lines.get(2).get("valid").asBoolean()).isFalse();
    assertThat(lines.get(2).get("errors").size()).isEqualTo(1);
    assertThat(lines.get(2).get("errors").get(0).asText()).isEqualTo(MODE_ERROR);
  }

  @Test
  void jsonCarriesMxCoverageInTheOrderTheHostsWereGiven() throws Exception {
    Run run = lint("lint", "policy", "--json", "--mx", "mx9.backup.example.com", "--mx",
        "example.com", valid.toString());

    assertThat(run.exitCode()).isZero();
    JsonNode line = json(run).get(0);
    assertThat(fieldNames(line)).containsExactly("input", "valid", "errors", "warnings", "mx");
    assertThat(line.get("mx").toString()).isEqualTo(
        "[{\"host\":\"mx9.backup.example.com\",\"covered\":true},"
            + "{\"host\":\"example.com\",\"covered\":false}]");
  }

  @Test
  void jsonInputOfARecordIsTheRecordText() throws Exception {
    Run run = lint("lint", "tlsrpt-record", "--json", "v=TLSRPTv1; rua=mailto:r@example.com",
        "v=TLSRPTv1");

    assertThat(run.outLines()).containsExactly(
        "{\"input\":\"v=TLSRPTv1; rua=mailto:r@example.com\",\"valid\":true,\"errors\":[],"
            + "\"warnings\":[]}",
        "{\"input\":\"v=TLSRPTv1\",\"valid\":false,\"errors\":[\"field rua: is required:"
            + " v=TLSRPTv1; rua=mailto:reports@example.com\"],\"warnings\":[]}");
    assertThat(run.exitCode()).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------
  // standard input and unreadable input

  @Test
  void dashReadsThePolicyFromStandardInput() {
    Run run = withStdin(WARNING, () -> lint("lint", "policy", "--json", "--mx",
        "mail.example.com", "-"));

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines()).containsExactly("{\"input\":\"-\",\"valid\":true,\"errors\":[],"
        + "\"warnings\":[\"" + TRAILING_BLANK + "\"],\"mx\":[{\"host\":\"mail.example.com\","
        + "\"covered\":true}]}");
  }

  @Test
  void standardInputOverTheLimitIsRejectedUnread() {
    Run run = withStdin("note: " + "x".repeat(200_000),
        () -> lint("lint", "policy", "-"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines().get(0)).isEqualTo("INVALID  -");
    assertThat(run.outLines().get(1)).isEqualTo("  error:   policy on standard input is larger"
        + " than 65536 bytes (64 KiB), the most senders read");
  }

  @Test
  void fileOverTheLimitIsRejectedWithItsSize() throws Exception {
    Path big = write("big.txt", VALID + "note: " + "x".repeat(70_000) + "\r\n");

    Run run = lint("lint", "policy", big.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).contains("  error:   policy is " + Files.size(big)
        + " bytes; at most 65536 bytes (64 KiB) are allowed");
  }

  @Test
  void missingFileIsAUsageErrorOnOneLine() {
    Path missing = dir.resolve("missing.txt");

    Run run = lint("lint", "policy", valid.toString(), missing.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).containsExactly(
        "mta-sts-operator lint policy: cannot read '" + missing + "': no such file");
  }

  @Test
  void directoryIsAUsageErrorOnOneLine() {
    Run run = lint("lint", "policy", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly(
        "mta-sts-operator lint policy: '" + dir + "' is a directory, not a policy file");
  }

  // ---------------------------------------------------------------------------------------------
  // usage errors and help

  static Stream<Arguments> usageErrors() {
    return Stream.of(
        arguments(List.of("lint", "dmarc-record", "v=DMARC1"),
            "mta-sts-operator lint: unknown command 'dmarc-record'; expected one of: policy,"
                + " sts-record, tlsrpt-record (see --help)"),
        arguments(List.of("lint"),
            "mta-sts-operator lint: a record kind is required: policy, sts-record or"
                + " tlsrpt-record (see --help)"),
        arguments(List.of("lint", "policy"),
            "mta-sts-operator lint policy: Missing required parameter: 'FILE' (see --help)"),
        arguments(List.of("lint", "sts-record"),
            "mta-sts-operator lint sts-record: Missing required parameter: 'TEXT' (see --help)"),
        arguments(List.of("lint", "policy", "--strict", "x.txt"),
            "mta-sts-operator lint policy: Unknown option: '--strict' (see --help)"),
        arguments(List.of("lint", "sts-record", "--mx", "mail.example.com", "v=STSv1; id=a"),
            "mta-sts-operator lint sts-record: Unknown option: '--mx' (see --help)"),
        arguments(List.of("lnit", "policy", "x.txt"),
            "mta-sts-operator: unknown command 'lnit'; expected one of: run, serve, check, lint, render, report, help (see --help)"),
        arguments(List.of(), "mta-sts-operator: a command is required (see --help)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("usageErrors")
  void usageErrorsExitTwoWithOneLine(List<String> args, String message) {
    Run run = lint(args.toArray(String[]::new));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).containsExactly(message);
  }

  static Stream<Arguments> helpRequests() {
    return Stream.of(
        arguments(List.of("--help"), "Usage: mta-sts-operator [-hV] [COMMAND]"),
        arguments(List.of("lint", "--help"), "Usage: mta-sts-operator lint [-hV] [COMMAND]"),
        arguments(List.of("lint", "-h"), "Usage: mta-sts-operator lint [-hV] [COMMAND]"),
        arguments(List.of("help", "lint"), "Usage: mta-sts-operator lint [-hV] [COMMAND]"),
        arguments(List.of("lint", "policy", "--help"),
            "Usage: mta-sts-operator lint policy [-hV] [--json] [--mx=HOST]... FILE..."),
        arguments(List.of("lint", "sts-record", "--help"),
            "Usage: mta-sts-operator lint sts-record [-hV] [--json] TEXT..."),
        arguments(List.of("lint", "tlsrpt-record", "--help"),
            "Usage: mta-sts-operator lint tlsrpt-record [-hV] [--json] TEXT..."),
        arguments(List.of("lint", "tlsrpt-record", "--help", "not-read"),
            "Usage: mta-sts-operator lint tlsrpt-record [-hV] [--json] TEXT..."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("helpRequests")
  void everyCommandHasHelp(List<String> args, String usage) {
    Run run = lint(args.toArray(String[]::new));

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines().get(0)).isEqualTo(usage);
    assertThat(run.err()).isEmpty();
  }

  static Stream<Arguments> exitCodes() {
    return Stream.of(
        arguments(List.of("lint", "sts-record", "v=STSv1; id=abc"), 0),
        arguments(List.of("lint", "sts-record", "v=STSv1; id=abc "), 0),
        arguments(List.of("lint", "sts-record", "v=STSv1; id=a-b"), 1),
        arguments(List.of("lint", "sts-record", "v=STSv1; id=abc", "v=STSv1"), 1),
        arguments(List.of("lint", "sts-record", "--json", "v=stsv1; id=abc"), 1),
        arguments(List.of("lint", "tlsrpt-record", "v=TLSRPTv1; rua=https://r.example.com/x"), 0),
        arguments(List.of("lint", "tlsrpt-record", "v=TLSRPTv1; rua=mailto:a@example.com;"
            + " rua=mailto:b@example.com"), 0),
        arguments(List.of("lint", "tlsrpt-record", "v=TLSRPTv1; rua=http://r.example.com/"), 1),
        arguments(List.of("lint", "tlsrpt-record", "--json", "--bad"), 2));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("exitCodes")
  void exitCodeSaysWhetherEveryInputIsValid(List<String> args, int exitCode) {
    assertThat(lint(args.toArray(String[]::new)).exitCode()).isEqualTo(exitCode);
  }

  @Test
  void mainExecuteReturnsTheExitCodeAndPrintsToStandardOutput() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int exitCode;
    try {
      exitCode = Main.execute("lint", "sts-record", "--json", "v=STSv1; id=abc");
    } finally {
      System.setOut(original);
    }

    assertThat(exitCode).isZero();
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo(
        "{\"input\":\"v=STSv1; id=abc\",\"valid\":true,\"errors\":[],\"warnings\":[]}"
            + System.lineSeparator());
  }

  // ---------------------------------------------------------------------------------------------

  /** What one command line printed and returned. */
  record Run(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    List<String> errLines() {
      return err.lines().toList();
    }
  }

  /** Runs the command line as {@link Main#execute} does, with both streams captured. */
  static Run lint(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = Main.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  static Run withStdin(String input, Supplier<Run> command) {
    InputStream original = System.in;
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      return command.get();
    } finally {
      System.setIn(original);
    }
  }

  Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  static List<JsonNode> json(Run run) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : run.outLines()) {
      nodes.add(mapper.readTree(line));
    }
    return nodes;
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
