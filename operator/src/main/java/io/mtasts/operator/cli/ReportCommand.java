package io.mtasts.operator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.policy.ParseResult;
import io.mtasts.operator.tlsrpt.PolicyResult;
import io.mtasts.operator.tlsrpt.ReportMail;
import io.mtasts.operator.tlsrpt.ReportMediaType;
import io.mtasts.operator.tlsrpt.TlsRptReport;
import io.mtasts.operator.tlsrpt.TlsRptReportReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code report}: reads TLS-RPT reports (RFC 8460) from files as they arrive by mail, and says
 * what the reporting senders saw. Exit 0 when every file held a report, 1 when any did not.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Summarizes TLS-RPT reports (RFC 8460): what sending servers saw when they delivered to",
      "your domains. Reads report JSON (.json), gzip-compressed JSON (.json.gz, .gz) and the",
      "report mails themselves (.eml). Other names are recognised by their content."
    })
public final class ReportCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "One JSON object per report, one per line.")
  boolean json;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Report files.")
  List<String> files;

  private final TlsRptReportReader reader = new TlsRptReportReader();

  /** What one file held: its reports and warnings, or why it holds none. */
  record FileReports(
      String file, List<TlsRptReport> reports, List<Finding> errors, List<Finding> warnings) {
    boolean valid() {
      return errors.isEmpty();
    }
  }

  @Override
  public Integer call() {
    List<Path> paths = new ArrayList<>();
    for (String file : files) {
      Path path = Path.of(file);
      // before any output, so a typo does not leave half a summary behind
      if (Files.isDirectory(path)) {
        throw new UsageException("'" + file + "' is a directory, not a report file");
      }
      if (!Files.isReadable(path)) {
        throw new UsageException("cannot read '" + file + "': no such file");
      }
      paths.add(path);
    }
    List<FileReports> results = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      results.add(read(files.get(i), paths.get(i)));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      results.forEach(r -> jsonLines(r).forEach(line -> out.println(write(mapper, line))));
    } else {
      ReportSummary.print(out, results);
    }
    out.flush();
    return results.stream().allMatch(FileReports::valid) ? 0 : 1;
  }

  private FileReports read(String file, Path path) {
    byte[] bytes;
    long max = new ReportMail(reader.limits()).maxMailBytes();
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes((int) max + 1);
    } catch (IOException e) {
      throw new UsageException("cannot read '" + file + "': " + e.getMessage());
    }
    if (bytes.length > max) {
      return invalid(file, List.of(new Finding("file", "is larger than " + max
          + " bytes; no report is that large")), List.of());
    }
    return switch (kind(file, bytes)) {
      case JSON -> single(file, reader.read(bytes, ReportMediaType.JSON));
      case GZIP -> single(file, reader.read(bytes, ReportMediaType.GZIP));
      case MAIL -> mail(file, bytes);
    };
  }

  private enum Kind { JSON, GZIP, MAIL }

  /** By the file name where it says, else by the first bytes. */
  private static Kind kind(String file, byte[] bytes) {
    String name = file.toLowerCase(Locale.ROOT);
    if (name.endsWith(".json")) {
      return Kind.JSON;
    }
    if (name.endsWith(".gz") || name.endsWith(".gzip")) {
      return Kind.GZIP;
    }
    if (name.endsWith(".eml")) {
      return Kind.MAIL;
    }
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
      return Kind.GZIP;
    }
    for (byte b : bytes) {
      if (!Character.isWhitespace(b)) {
        return b == '{' || b == '[' ? Kind.JSON : Kind.MAIL;
      }
    }
    return Kind.JSON;
  }

  private FileReports mail(String file, byte[] bytes) {
    ParseResult<List<ReportMail.Attachment>> parts = new ReportMail(reader.limits())
        .attachments(bytes);
    if (!parts.isValid()) {
      return invalid(file, parts.errors(), parts.warnings());
    }
    List<TlsRptReport> reports = new ArrayList<>();
    List<Finding> errors = new ArrayList<>();
    List<Finding> warnings = new ArrayList<>(parts.warnings());
    for (ReportMail.Attachment part : parts.get()) {
      ParseResult<TlsRptReport> report = reader.read(part.body(), part.type());
      errors.addAll(report.errors());
      warnings.addAll(report.warnings());
      report.value().ifPresent(reports::add);
    }
    return errors.isEmpty()
        ? new FileReports(file, reports, List.of(), warnings)
        : invalid(file, errors, warnings);
  }

  private static FileReports single(String file, ParseResult<TlsRptReport> report) {
    return report.isValid()
        ? new FileReports(file, List.of(report.get()), List.of(), report.warnings())
        : invalid(file, report.errors(), report.warnings());
  }

  private static FileReports invalid(String file, List<Finding> errors, List<Finding> warnings) {
    return new FileReports(file, List.of(), errors, warnings);
  }

  private static List<Map<String, Object>> jsonLines(FileReports r) {
    if (!r.valid()) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("file", r.file());
      line.put("error", r.errors().stream().map(Finding::toString)
          .collect(Collectors.joining("; ")));
      return List.of(line);
    }
    List<Map<String, Object>> lines = new ArrayList<>();
    for (TlsRptReport report : r.reports()) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("file", r.file());
      line.put("reportId", report.reportId());
      line.put("organization", report.organization());
      line.put("start", report.start().toString());
      line.put("end", report.end().toString());
      List<Map<String, Object>> policies = new ArrayList<>();
      for (PolicyResult policy : report.policies()) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("domain", policy.domain());
        p.put("type", policy.type().wireName());
        p.put("successful", policy.successfulSessions());
        p.put("failed", policy.failedSessions());
        List<Map<String, Object>> failures = new ArrayList<>();
        for (PolicyResult.FailureCount f : policy.failureCounts()) {
          Map<String, Object> failure = new LinkedHashMap<>();
          failure.put("resultType", f.resultType());
          failure.put("count", f.count());
          failure.put("receivingMx", f.receivingMx());
          failures.add(failure);
        }
        p.put("failures", failures);
        policies.add(p);
      }
      line.put("policies", policies);
      line.put("warnings", r.warnings().stream().map(Finding::toString).toList());
      lines.add(line);
    }
    return lines;
  }

  private static String write(ObjectMapper mapper, Map<String, Object> line) {
    try {
      return mapper.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings, numbers and lists always serialise", e);
    }
  }
}
