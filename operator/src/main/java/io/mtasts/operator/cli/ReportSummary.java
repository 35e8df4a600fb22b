package io.mtasts.operator.cli;

import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.tlsrpt.PolicyResult;
import io.mtasts.operator.tlsrpt.TlsRptReport;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The text output of {@code report}: each file with its reports, then the totals per policy
 * domain over all of them, which is what a reader of a mailbox full of reports wants to know.
 */
final class ReportSummary {

  private ReportSummary() {}

  static void print(PrintWriter out, List<ReportCommand.FileReports> results) {
    Map<String, DomainTotals> domains = new TreeMap<>();
    for (ReportCommand.FileReports r : results) {
      out.println((r.valid() ? "REPORT   " : "INVALID  ") + r.file());
      r.errors().forEach(f -> out.println("  error:   " + f));
      for (TlsRptReport report : r.reports()) {
        out.println("  from " + report.organization()
            + (report.contactInfo() == null ? "" : " (" + report.contactInfo() + ")")
            + ", report " + report.reportId());
        out.println("  " + report.start() + " to " + report.end());
        for (PolicyResult policy : report.policies()) {
          out.println("    " + policy.domain() + " (" + policy.type().wireName() + "): "
              + sessions(policy.successfulSessions(), policy.failedSessions()));
          for (PolicyResult.FailureCount f : policy.failureCounts()) {
            out.printf("      %-26s %8d%s%n", f.resultType(), f.count(),
                f.receivingMx() == null ? "" : "  at " + f.receivingMx());
          }
          domains.computeIfAbsent(policy.domain(), d -> new DomainTotals())
              .add(report, policy);
        }
      }
      r.warnings().forEach(f -> out.println("  warning: " + f));
    }
    if (!domains.isEmpty()) {
      out.println("Per policy domain:");
      domains.forEach((domain, totals) -> totals.print(out, domain));
    }
    long invalid = results.stream().filter(r -> !r.valid()).count();
    long reports = results.stream().mapToLong(r -> r.reports().size()).sum();
    long warnings = results.stream().mapToLong(r -> r.warnings().size()).sum();
    out.printf("%d file%s: %d report%s, %d invalid, %d warning%s%n", results.size(),
        plural(results.size()), reports, plural(reports), invalid, warnings, plural(warnings));
  }

  private static String sessions(long successful, long failed) {
    String line = successful + " successful, " + failed + " failed";
    long all = successful + failed;
    if (failed > 0 && all > 0) {
      line += String.format(Locale.ROOT, " (%.1f%% of sessions)", 100.0 * failed / all);
    }
    return line;
  }

  private static String plural(long n) {
    return n == 1 ? "" : "s";
  }

  /** One domain's sessions summed over every report that names it. */
  private static final class DomainTotals {
    private final Set<List<String>> reports = new HashSet<>();
    private int copies;
    private final Set<String> organizations = new TreeSet<>();
    private long successful;
    private long failed;
    private final Map<String, Long> byResultType = new LinkedHashMap<>();

    /** A report read twice (it went to two rua addresses, or was saved twice) counts once. */
    void add(TlsRptReport report, PolicyResult policy) {
      if (!reports.add(List.of(report.organization(), report.reportId(), policy.type().name()))) {
        copies++;
        return;
      }
      organizations.add(report.organization());
      successful += policy.successfulSessions();
      failed += policy.failedSessions();
      policy.failures().forEach(f -> byResultType.merge(f.resultType(), f.failedSessions(),
          Long::sum));
    }

    void print(PrintWriter out, String domain) {
      out.println("  " + domain + ": " + reports.size() + " report" + plural(reports.size())
          + " from " + String.join(", ", organizations) + "; " + sessions(successful, failed)
          + (copies == 0 ? "" : "; " + copies + " more cop" + (copies == 1 ? "y" : "ies")
              + " of the same report" + plural(reports.size()) + " not counted again"));
      if (!byResultType.isEmpty()) {
        StringBuilder types = new StringBuilder();
        byResultType.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
            .forEach(e -> types.append(types.length() == 0 ? "" : ", ")
                .append(e.getKey()).append(' ').append(e.getValue()));
        out.println("    failures: " + types);
      }
    }
  }
}
