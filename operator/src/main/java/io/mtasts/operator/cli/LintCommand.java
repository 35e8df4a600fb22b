package io.mtasts.operator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.policy.ParseResult;
import io.mtasts.operator.policy.Policy;
import io.mtasts.operator.policy.PolicyParser;
import io.mtasts.operator.policy.StsRecordParser;
import io.mtasts.operator.policy.TlsRptRecordParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lint}: strict syntax checks of policy files and TXT records, without a cluster or a
 * network. Exit 0 when every input is valid (warnings allowed), 1 when any is invalid.
 */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description = "Strictly checks MTA-STS policies and TXT records (RFC 8461, RFC 8460).",
    subcommands = {
      LintCommand.PolicyLint.class,
      LintCommand.StsRecordLint.class,
      LintCommand.TlsRptRecordLint.class
    })
public final class LintCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a record kind is required: policy, sts-record or tlsrpt-record");
  }

  /** Options every lint kind shares. */
  static final class Output {
    @Option(names = "--json", description = "One JSON object per input, one per line.")
    boolean json;
  }

  @Command(
      name = "policy",
      mixinStandardHelpOptions = true,
      description = {
        "Checks policy files (the body served at /.well-known/mta-sts.txt).",
        "Use - to read standard input."
      })
  static final class PolicyLint implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin Output output = new Output();

    @Option(names = "--mx", paramLabel = "HOST",
        description = "An MX host name; reports whether each policy covers it (repeatable).")
    List<String> mxHosts = new ArrayList<>();

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Policy files, or - for stdin.")
    List<String> files;

    @Override
    public Integer call() throws IOException {
      List<Linted> results = new ArrayList<>();
      for (String file : files) {
        ParseResult<Policy> result = parseFile(file);
        results.add(new Linted(file, result.errors(), result.warnings(), coverage(result)));
      }
      return report(spec, output, results, true);
    }

    private List<Map<String, Object>> coverage(ParseResult<Policy> result) {
      if (!result.isValid()) {
        // an invalid policy covers nothing; a table of NOT covered would only hide its errors
        return null;
      }
      List<Map<String, Object>> mx = new ArrayList<>();
      for (String host : mxHosts) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("host", host);
        entry.put("covered", result.get().covers(host));
        mx.add(entry);
      }
      return mxHosts.isEmpty() ? null : mx;
    }

    private ParseResult<Policy> parseFile(String file) throws IOException {
      if (file.equals("-")) {
        byte[] bytes = readCapped(System.in);
        if (bytes.length > Policy.MAX_BYTES) {
          // the rest of the stream is never read, so its size is unknown
          return ParseResult.invalid(Finding.of("policy on standard input is larger than "
              + Policy.MAX_BYTES + " bytes (64 KiB), the most senders read"));
        }
        return PolicyParser.parse(bytes);
      }
      Path path = Path.of(file);
      try {
        if (Files.isDirectory(path)) {
          throw new UsageException("'" + file + "' is a directory, not a policy file");
        }
        long size = Files.size(path);
        if (size > Policy.MAX_BYTES) {
          return PolicyParser.tooLarge(size);
        }
        try (InputStream in = Files.newInputStream(path)) {
          return PolicyParser.parse(readCapped(in));
        }
      } catch (NoSuchFileException e) {
        throw new UsageException("cannot read '" + file + "': no such file");
      } catch (IOException e) {
        throw new UsageException("cannot read '" + file + "': " + e.getMessage());
      }
    }

    /** Reads at most one byte more than the limit, so an endless stream is never buffered. */
    private static byte[] readCapped(InputStream in) throws IOException {
      return in.readNBytes(Policy.MAX_BYTES + 1);
    }
  }

  @Command(
      name = "sts-record",
      mixinStandardHelpOptions = true,
      description = "Checks _mta-sts TXT record texts, e.g. 'v=STSv1; id=20240101'.")
  static final class StsRecordLint implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin Output output = new Output();

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Record texts.")
    List<String> records;

    @Override
    public Integer call() {
      return report(spec, output, lintTexts(records, StsRecordParser::parse), false);
    }
  }

  @Command(
      name = "tlsrpt-record",
      mixinStandardHelpOptions = true,
      description = "Checks _smtp._tls TXT record texts, e.g. 'v=TLSRPTv1; rua=mailto:r@ex.com'.")
  static final class TlsRptRecordLint implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin Output output = new Output();

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Record texts.")
    List<String> records;

    @Override
    public Integer call() {
      return report(spec, output, lintTexts(records, TlsRptRecordParser::parse), false);
    }
  }

  /** The outcome for one input; {@code mx} is null unless hosts were asked about. */
  record Linted(
      String input, List<Finding> errors, List<Finding> warnings, List<Map<String, Object>> mx) {
    boolean valid() {
      return errors.isEmpty();
    }
  }

  private static List<Linted> lintTexts(
      List<String> texts, Function<String, ParseResult<?>> parser) {
    List<Linted> results = new ArrayList<>();
    for (String text : texts) {
      ParseResult<?> result = parser.apply(text);
      results.add(new Linted(text, result.errors(), result.warnings(), null));
    }
    return results;
  }

  private static int report(
      CommandLine.Model.CommandSpec spec, Output output, List<Linted> results,
      boolean lineNumbered) {
    PrintWriter out = spec.commandLine().getOut();
    if (output.json) {
      ObjectMapper mapper = new ObjectMapper();
      for (Linted r : results) {
        out.println(toJson(mapper, r));
      }
    } else {
      for (Linted r : results) {
        printHuman(out, r, lineNumbered);
      }
      long invalid = results.stream().filter(r -> !r.valid()).count();
      long warnings = results.stream().mapToLong(r -> r.warnings().size()).sum();
      out.printf("%d input%s: %d valid, %d invalid, %d warning%s%n", results.size(),
          results.size() == 1 ? "" : "s", results.size() - invalid, invalid, warnings,
          warnings == 1 ? "" : "s");
    }
    out.flush();
    return results.stream().allMatch(Linted::valid) ? 0 : 1;
  }

  private static void printHuman(PrintWriter out, Linted r, boolean lineNumbered) {
    String label = lineNumbered ? r.input() : "'" + r.input() + "'";
    out.println((r.valid() ? "VALID    " : "INVALID  ") + label);
    r.errors().forEach(f -> out.println("  error:   " + f));
    r.warnings().forEach(f -> out.println("  warning: " + f));
    if (r.mx() != null) {
      for (Map<String, Object> m : r.mx()) {
        boolean covered = (Boolean) m.get("covered");
        out.println("  mx " + m.get("host") + ": " + (covered ? "covered" : "NOT covered"));
      }
    }
  }

  private static String toJson(ObjectMapper mapper, Linted r) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("input", r.input());
    json.put("valid", r.valid());
    json.put("errors", r.errors().stream().map(Finding::toString).toList());
    json.put("warnings", r.warnings().stream().map(Finding::toString).toList());
    if (r.mx() != null) {
      json.put("mx", r.mx());
    }
    try {
      return mapper.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings and booleans always serialise", e);
    }
  }
}
