package io.mtasts.operator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mtasts.operator.policy.StsRecord;
import io.mtasts.operator.policy.TlsRptRecord;
import io.mtasts.operator.verify.CheckOutcome;
import io.mtasts.operator.verify.Expectations;
import io.mtasts.operator.verify.Result;
import io.mtasts.operator.verify.VerificationReport;
import io.mtasts.operator.verify.Verifier;
import io.mtasts.operator.verify.VerifierSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@code check DOMAIN}: live verification of any domain's MTA-STS deployment, as a sending server
 * sees it. Exit 0 when no check failed (warnings allowed) and the check was conclusive (the
 * {@code _mta-sts} record was found and the policy downloaded), 1 when one failed, 2 on usage
 * errors, 3 when nothing failed but the check was not conclusive.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Verifies a mail domain's MTA-STS deployment live: the _mta-sts TXT record, the policy"
          + " served at https://mta-sts.DOMAIN/.well-known/mta-sts.txt, its certificate, the MX"
          + " hosts it must cover, the _smtp._tls TLS-RPT record and, with --probe-mx, STARTTLS"
          + " on each MX.",
      "Exit status: 0 when no check failed (warnings allowed) and the decisive checks ran,"
          + " 1 when a check failed, 2 on a usage error, 3 when nothing failed but the result is"
          + " not verified: the _mta-sts TXT record was not found or no policy was downloaded"
          + " (a DNS server or the policy host did not answer in time); try again."
    },
    footer = {
      "",
      "Addresses: the policy and MX hosts are resolved through the same DNS servers as the TXT"
          + " records. Loopback, private-use, link-local and cloud-metadata addresses are never"
          + " contacted without --allow-private.",
      "",
      "Testing a deployment that is not on the standard ports: --resolve maps a host and port"
          + " to an address, as curl does, but never changes the port. To reach a policy host"
          + " or MX listening elsewhere (a local demo, a test server), give the port with"
          + " --https-port or --smtp-port, and map that port with --resolve:",
      "  check example.com --allow-private --https-port 8443 \\",
      "    --resolve mta-sts.example.com:8443:127.0.0.1",
      "Senders always use ports 443 and 25, so a check on other ports proves the content, not"
          + " the deployment."
    })
public final class CheckCommand implements Callable<Integer> {

  /** Exit status of a check in which nothing failed but the decisive checks could not run. */
  static final int NOT_VERIFIED = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DOMAIN", description = "The mail domain, e.g. example.com.")
  String domain;

  @Option(names = "--dns-server", paramLabel = "HOST[:PORT]",
      description = "DNS server to ask (repeatable, tried in order); default: the system's.")
  List<String> dnsServers = new ArrayList<>();

  @Option(names = "--resolve", paramLabel = "HOST:PORT:ADDRESS",
      description = {"Connect to ADDRESS for HOST on PORT instead of looking HOST up, like curl"
          + " (repeatable; ADDRESS may be a comma list; IPv6 in brackets)."})
  List<String> resolve = new ArrayList<>();

  @Option(names = "--ca-file", paramLabel = "PEM",
      description = "Certificates trusted in addition to the JDK's roots.")
  Path caFile;

  @Option(names = "--expect-id", paramLabel = "ID",
      description = "The id the _mta-sts record must carry.")
  String expectId;

  @Option(names = "--probe-mx",
      description = "Connect to port 25 of each MX host and test STARTTLS and its certificate.")
  boolean probeMx;

  @Option(names = "--allow-private",
      description = "Allow connections to loopback, private and link-local addresses.")
  boolean allowPrivate;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
      description = "Limit of the whole check, written 500ms, 20s, 1m; a step still running"
          + " then is reported as not finished (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(names = "--https-port", paramLabel = "PORT", defaultValue = "443",
      description = "Port of the policy host, for test deployments (default: ${DEFAULT-VALUE}).")
  int httpsPort;

  @Option(names = "--smtp-port", paramLabel = "PORT", defaultValue = "25",
      description = "Port of the MX hosts for --probe-mx, for test deployments"
          + " (default: ${DEFAULT-VALUE}).")
  int smtpPort;

  @Override
  public Integer call() {
    String name = domainName();
    Expectations expected = expectations();
    Verifier verifier = verifier();
    VerificationReport report = verifier.verify(name, expected, verifier.settings().timeout());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(toJson(report));
    } else {
      printHuman(out, report);
    }
    out.flush();
    return report.failed() ? 1 : report.conclusive() ? 0 : NOT_VERIFIED;
  }

  private String domainName() {
    try {
      return Verifier.normalizeDomain(domain);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private Expectations expectations() {
    try {
      return Expectations.builder().id(expectId).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--expect-id '" + expectId + "' is not a policy id: it must be 1"
          + " to 32 letters or digits");
    }
  }

  private Verifier verifier() {
    Duration limit = CliDurations.parse("--timeout", timeout);
    if (limit.isZero()) {
      throw new UsageException("--timeout must be longer than 0s");
    }
    VerifierSettings.Builder settings = VerifierSettings.builder()
        .timeout(limit)
        .caFile(caFile)
        .allowPrivate(allowPrivate)
        .probeMx(probeMx);
    try {
      settings.dnsServers(dnsServers);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--dns-server: " + e.getMessage());
    }
    for (String override : resolve) {
      try {
        settings.resolve(override);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--resolve: " + e.getMessage());
      }
    }
    try {
      settings.httpsPort(httpsPort).smtpPort(smtpPort);
      return new Verifier(settings.build());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static void printHuman(PrintWriter out, VerificationReport report) {
    out.println("MTA-STS check of " + report.domain());
    out.println();
    int width = report.checks().stream().mapToInt(c -> c.name().label().length()).max()
        .orElse(0);
    for (CheckOutcome check : report.checks()) {
      out.printf(Locale.ROOT, "  %-4s  %-" + width + "s  %s%n", mark(check.result()),
          check.name().label(), check.message());
    }
    out.println();
    out.println(summary(report));
    out.println();
    out.println("DNS records to publish:");
    List<String[]> records = recordsToPublish(report);
    int nameWidth = records.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    for (String[] record : records) {
      out.printf(Locale.ROOT, "  %-" + nameWidth + "s  TXT  %s%s%n", record[0],
          quoted(record[1]), record[2]);
    }
  }

  private static String mark(Result result) {
    return switch (result) {
      case PASS -> "PASS";
      case WARN -> "WARN";
      case FAIL -> "FAIL";
      case SKIPPED -> "SKIP";
    };
  }

  private static String summary(VerificationReport report) {
    long warnings = report.count(Result.WARN);
    long failures = report.count(Result.FAIL);
    return String.format(Locale.ROOT, "%d checks: %d passed, %d warning%s, %d failed, %d skipped"
            + " (%s)", report.checks().size(), report.count(Result.PASS), warnings,
        warnings == 1 ? "" : "s", failures, report.count(Result.SKIPPED),
        failures > 0 ? "FAILED" : !report.conclusive() ? notVerified(report)
            : warnings > 0 ? "OK with warnings" : "OK");
  }

  private static String notVerified(VerificationReport report) {
    String what = report.stsRecordId().isEmpty() ? "no _mta-sts TXT record was found"
        : "no policy was downloaded";
    return "NOT VERIFIED: " + what + "; try again when DNS and the policy host answer";
  }

  /** Name, record text and a note, for each record the domain should publish. */
  private static List<String[]> recordsToPublish(VerificationReport report) {
    List<String[]> records = new ArrayList<>();
    String stsName = StsRecord.dnsName(report.domain()) + ".";
    report.stsRecordId().map(StsRecord::new).map(StsRecord::render).ifPresentOrElse(
        text -> records.add(new String[] {stsName, text, ""}),
        () -> records.add(new String[] {stsName, StsRecord.VERSION + "; id=<ID>",
            "   (ID: 1 to 32 letters or digits; change it whenever the policy changes)"}));
    report.tlsRptRecord().ifPresent(text ->
        records.add(new String[] {TlsRptRecord.dnsName(report.domain()) + ".", text, ""}));
    return records;
  }

  /** Presentation form: quoted strings of at most 255 characters, quotes and backslashes escaped. */
  static String quoted(String text) {
    List<String> pieces = new ArrayList<>();
    for (int start = 0; start < text.length(); start += 255) {
      pieces.add(text.substring(start, Math.min(text.length(), start + 255)));
    }
    if (pieces.isEmpty()) {
      pieces.add("");
    }
    return pieces.stream()
        .map(p -> "\"" + p.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(" "));
  }

  private static String toJson(VerificationReport report) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("domain", report.domain());
    json.put("ok", report.ok());
    List<Map<String, Object>> checks = new ArrayList<>();
    for (CheckOutcome check : report.checks()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", check.name().label());
      entry.put("result", check.result().label());
      entry.put("message", check.message());
      checks.add(entry);
    }
    json.put("checks", checks);
    try {
      return new ObjectMapper().writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings and booleans always serialise", e);
    }
  }
}
