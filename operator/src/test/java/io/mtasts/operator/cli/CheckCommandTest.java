package io.mtasts.operator.cli;

import static io.mtasts.operator.verify.LocalMailDomain.DOMAIN;
import static io.mtasts.operator.verify.LocalMailDomain.ID;
import static io.mtasts.operator.verify.LocalMailDomain.POLICY_HOST;
import static io.mtasts.operator.verify.LocalMailDomain.STS_NAME;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mtasts.operator.verify.CheckName;
import io.mtasts.operator.verify.LocalMailDomain;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Type;

class CheckCommandTest {
  @TempDir Path tmp;
  LocalMailDomain domain;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void start() {
    domain = LocalMailDomain.start(tmp);
  }

  @AfterEach
  void stop() {
    domain.close();
  }

  /** Runs {@code check} against the local deployment, with the given extra arguments. */
  private int check(String... extra) {
    List<String> args = new ArrayList<>(List.of("check", DOMAIN,
        "--dns-server", domain.dns.hostAndPort(),
        "--ca-file", domain.caFile.toString(),
        "--https-port", String.valueOf(domain.https.port()),
        "--smtp-port", String.valueOf(domain.smtp.port()),
        "--allow-private",
        "--timeout", "5s"));
    args.addAll(Arrays.asList(extra));
    return run(args.toArray(String[]::new));
  }

  private int run(String... args) {
    return Main.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void aCorrectDeploymentExitsZeroWithOneJsonObject() throws Exception {
    int exit = check("--json", "--probe-mx", "--expect-id", ID);

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString().strip().lines()).hasSize(1);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("domain").asText()).isEqualTo(DOMAIN);
    assertThat(json.get("ok").asBoolean()).isTrue();
    List<String> names = new ArrayList<>();
    json.get("checks").forEach(check -> {
      names.add(check.get("name").asText());
      assertThat(check.get("result").asText()).isIn("Pass", "Skipped");
      assertThat(check.get("message").asText()).isNotBlank();
      assertThat(check.size()).isEqualTo(3);
    });
    assertThat(names).containsExactly("StsTxtRecord", "PolicyFetch", "PolicySyntax",
        "PolicyContent", "PolicyMode", "Certificate", "MxCoverage", "TlsRptRecord", "MxStartTls");
    assertThat(json.fieldNames()).toIterable().containsExactly("domain", "ok", "checks");
  }

  @Test
  void aFailedCheckExitsOneAndTheJsonSaysWhich() throws Exception {
    domain.dns.remove(STS_NAME, Type.TXT);

    int exit = check("--json");

    assertThat(exit).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("ok").asBoolean()).isFalse();
    JsonNode sts = json.get("checks").get(0);
    assertThat(sts.get("name").asText()).isEqualTo("StsTxtRecord");
    assertThat(sts.get("result").asText()).isEqualTo("Fail");
  }

  @Test
  void aDnsServerThatNeverAnswersIsNotOkAndExitsThree() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      String server = "127.0.0.1:" + silent.getLocalPort();
      long started = System.nanoTime();

      int exit = run("check", DOMAIN, "--dns-server", server, "--timeout", "1s", "--json");

      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(exit).as(out + "" + err).isEqualTo(3);
      JsonNode json = new ObjectMapper().readTree(out.toString());
      assertThat(json.get("ok").asBoolean()).isFalse();
      assertThat(json.get("checks").get(0).get("result").asText()).isEqualTo("Warn");
      // --timeout bounds the whole check, not each step of it
      assertThat(took).isLessThan(Duration.ofMillis(2500));
    }
  }

  @Test
  void anUnansweredCheckSaysInItsSummaryThatNothingWasVerified() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      int exit = run("check", DOMAIN, "--dns-server", "127.0.0.1:" + silent.getLocalPort(),
          "--timeout", "1s");

      assertThat(exit).isEqualTo(3);
      assertThat(out.toString()).contains("(NOT VERIFIED:")
          .doesNotContain("(OK");
    }
  }

  @Test
  void warningsAloneExitZero() {
    domain.servePolicy(LocalMailDomain.POLICY.replace("enforce", "testing"));

    int exit = check();

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("WARN  PolicyMode").contains("OK with warnings");
  }

  @Test
  void humanOutputHasOneMarkedLinePerCheckAndTheRecordsToPublish() {
    int exit = check("--expect-id", ID);

    assertThat(exit).isZero();
    String text = out.toString();
    for (CheckName name : CheckName.values()) {
      assertThat(text.lines().filter(l -> l.matches("  (PASS|WARN|FAIL|SKIP)  "
          + name.label() + " +\\S.*"))).as(name.label()).hasSize(1);
    }
    assertThat(text).contains("PASS  StsTxtRecord").contains("SKIP  MxStartTls")
        .contains("9 checks: 7 passed, 0 warnings, 0 failed, 2 skipped (OK)")
        .contains("DNS records to publish:")
        .containsPattern("_mta-sts\\.example\\.com\\. +TXT  \"v=STSv1; id=" + ID + "\"")
        .containsPattern("_smtp\\._tls\\.example\\.com\\. +TXT  \"" + LocalMailDomain.TLSRPT
            + "\"");
  }

  @Test
  void humanOutputOfAFailureNamesTheFixAndSuggestsTheExpectedId() {
    domain.replaceTxt(STS_NAME, "v=STSv1; id=old1");

    int exit = check("--expect-id", ID);

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).containsPattern("  FAIL  StsTxtRecord +.*expected " + ID)
        .contains("(FAILED)")
        .contains("\"v=STSv1; id=old1\"");
  }

  @Test
  void withoutAnyIdTheRecordToPublishHasAPlaceholder() {
    domain.dns.remove(STS_NAME, Type.TXT);
    domain.dns.remove(LocalMailDomain.TLSRPT_NAME, Type.TXT);

    check();

    String records = out.toString().substring(out.toString().indexOf("DNS records to publish:"));
    assertThat(records).contains("\"v=STSv1; id=<ID>\"").doesNotContain("_smtp._tls");
  }

  @Test
  void aResolveOverrideIsHonoured() throws Exception {
    domain.dns.remove(POLICY_HOST, Type.A);
    String override = POLICY_HOST + ":" + domain.https.port() + ":127.0.0.1";

    int exit = check("--json", "--resolve", override);

    assertThat(exit).as(out.toString()).isZero();
    JsonNode fetch = new ObjectMapper().readTree(out.toString()).get("checks").get(1);
    assertThat(fetch.get("result").asText()).isEqualTo("Pass");
    assertThat(fetch.get("message").asText()).contains("fixed by --resolve");
  }

  @Test
  void loopbackIsRefusedWithoutAllowPrivate() throws Exception {
    int exit = run("check", DOMAIN, "--json",
        "--dns-server", domain.dns.hostAndPort(),
        "--ca-file", domain.caFile.toString(),
        "--https-port", String.valueOf(domain.https.port()));

    assertThat(exit).isEqualTo(1);
    JsonNode fetch = new ObjectMapper().readTree(out.toString()).get("checks").get(1);
    assertThat(fetch.get("result").asText()).isEqualTo("Fail");
    assertThat(fetch.get("message").asText()).contains("loopback").contains("--allow-private");
    assertThat(domain.https.connectionCount()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--timeout=soon", "--timeout=0s", "--resolve=mta-sts.example.com:443",
      "--resolve=mta-sts.example.com:443:mail.example.com", "--dns-server=127.0.0.1:99999",
      "--expect-id=not-an-id", "--https-port=0", "--no-such-option"})
  void badOptionsAreUsageErrors(String option) {
    int exit = run("check", DOMAIN, option);

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).startsWith("mta-sts-operator check: ");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aMissingDomainIsAUsageError() {
    assertThat(run("check")).isEqualTo(2);
    assertThat(err.toString()).contains("DOMAIN");
  }

  @Test
  void somethingThatIsNoDomainIsAUsageError() {
    assertThat(run("check", "not a domain")).isEqualTo(2);
    assertThat(err.toString()).contains("not a mail domain");
  }

  @Test
  void aMissingCaFileIsAUsageError() {
    int exit = run("check", DOMAIN, "--ca-file", tmp.resolve("nope.pem").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("nope.pem").contains("does not exist");
  }

  @Test
  void helpDocumentsTheOptionsAndThePortDesign() {
    assertThat(run("check", "--help")).isZero();

    assertThat(out.toString()).contains("--dns-server=HOST[:PORT]", "--resolve=HOST:PORT:ADDRESS",
        "--ca-file=PEM", "--expect-id=ID", "--probe-mx", "--allow-private",
        "--timeout=DURATION", "--json", "--https-port=PORT", "--smtp-port=PORT",
        "never changes the port");
  }

  @Test
  void theRecordTextIsQuotedInPresentationForm() {
    assertThat(CheckCommand.quoted("v=STSv1; id=a")).isEqualTo("\"v=STSv1; id=a\"");
    assertThat(CheckCommand.quoted("a\"b")).isEqualTo("\"a\\\"b\"");
    assertThat(CheckCommand.quoted("x".repeat(300)))
        .isEqualTo("\"" + "x".repeat(255) + "\" \"" + "x".repeat(45) + "\"");
  }
}
