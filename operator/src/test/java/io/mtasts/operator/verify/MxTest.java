package io.mtasts.operator.verify;

import static io.mtasts.operator.verify.LocalMailDomain.CA;
import static io.mtasts.operator.verify.LocalMailDomain.DOMAIN;
import static io.mtasts.operator.verify.LocalMailDomain.MX_HOST;
import static io.mtasts.operator.verify.LocalMailDomain.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.localserver.LocalSmtpServer;
import io.mtasts.operator.policy.PolicyParser;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/** MX coverage by the policy's patterns and the STARTTLS probe of each MX. */
class MxTest {
  @TempDir Path tmp;
  LocalMailDomain domain;

  @BeforeEach
  void start() {
    domain = LocalMailDomain.start(tmp);
  }

  @AfterEach
  void stop() {
    domain.close();
  }

  private VerificationReport verify() {
    return domain.verifier().verify(DOMAIN);
  }

  @Test
  void anMxHostNotCoveredFailsUnderEnforce() {
    domain.replaceMx(MX_HOST, "backup-mx.example.net");

    VerificationReport report = verify();

    CheckOutcome coverage = report.check(CheckName.MX_COVERAGE);
    assertThat(coverage.result()).isEqualTo(Result.FAIL);
    assertThat(coverage.message()).contains("MX host backup-mx.example.net is not matched")
        .contains("refuse to deliver");
    assertThat(report.mxHosts()).containsExactly(MX_HOST, "backup-mx.example.net");
  }

  @Test
  void anMxHostNotCoveredOnlyWarnsInTesting() {
    domain.replaceMx("other.example.net");
    domain.servePolicy(POLICY.replace("enforce", "testing"));

    CheckOutcome coverage = verify().check(CheckName.MX_COVERAGE);

    assertThat(coverage.result()).isEqualTo(Result.WARN);
    assertThat(coverage.message()).contains("other.example.net").contains("mode testing");
  }

  @Test
  void aWildcardCoversExactlyOneLabel() {
    domain.servePolicy(POLICY.replace("mx: mx.example.com", "mx: *.example.com"));
    domain.replaceMx("a.b.example.com");

    CheckOutcome coverage = verify().check(CheckName.MX_COVERAGE);

    assertThat(coverage.result()).isEqualTo(Result.FAIL);
    assertThat(coverage.message()).contains("a.b.example.com is not matched")
        .contains("'*.example.com' matches exactly one label");
  }

  @Test
  void aWildcardCoversAHostOneLabelDown() {
    domain.servePolicy(POLICY.replace("mx: mx.example.com", "mx: *.example.com"));

    assertThat(verify().check(CheckName.MX_COVERAGE).result()).isEqualTo(Result.PASS);
  }

  @Test
  void aPatternThatMatchesNoMxWarns() {
    domain.servePolicy(POLICY.replace("mx: mx.example.com\r\n",
        "mx: mx.example.com\r\nmx: old-mx.example.com\r\n"));

    CheckOutcome coverage = verify().check(CheckName.MX_COVERAGE);

    assertThat(coverage.result()).isEqualTo(Result.WARN);
    assertThat(coverage.message()).contains("old-mx.example.com matches no MX host");
  }

  @Test
  void theDesiredPolicyIsJudgedWhenGiven() {
    Expectations desired = Expectations.builder()
        .policy(PolicyParser.parse(POLICY.replace("mx.example.com", "mail.example.org")).get())
        .build();

    CheckOutcome coverage = domain.verifier().verify(DOMAIN, desired)
        .check(CheckName.MX_COVERAGE);

    assertThat(coverage.result()).isEqualTo(Result.FAIL);
    assertThat(coverage.message()).contains("the desired policy");
  }

  @Test
  void aNullMxMeansTheDomainTakesNoMail() {
    domain.dns.remove(DOMAIN, Type.MX).addNullMx(DOMAIN);

    VerificationReport report = verify();

    CheckOutcome coverage = report.check(CheckName.MX_COVERAGE);
    assertThat(coverage.result()).isEqualTo(Result.WARN);
    assertThat(coverage.message()).contains("null MX").contains("mode none");
    assertThat(report.check(CheckName.MX_STARTTLS).result()).isEqualTo(Result.SKIPPED);
    assertThat(report.mxHosts()).isEmpty();
  }

  @Test
  void aNullMxWithModeNonePasses() {
    domain.dns.remove(DOMAIN, Type.MX).addNullMx(DOMAIN);
    domain.servePolicy("version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n");

    assertThat(verify().check(CheckName.MX_COVERAGE).result()).isEqualTo(Result.PASS);
  }

  @Test
  void withoutMxRecordsTheDomainItselfIsTheMx() {
    domain.dns.remove(DOMAIN, Type.MX).addAddress(DOMAIN, "127.0.0.1");

    CheckOutcome coverage = verify().check(CheckName.MX_COVERAGE);

    assertThat(coverage.result()).isEqualTo(Result.FAIL);
    assertThat(coverage.message()).contains("MX host example.com is not matched")
        .contains("no MX record");
  }

  @Test
  void anMxWithoutStartTlsFails() {
    try (LocalSmtpServer plain = LocalSmtpServer.startWithoutStartTls(MX_HOST)) {
      Verifier verifier = new Verifier(domain.settings().smtpPort(plain.port()).build());

      CheckOutcome probe = verifier.verify(DOMAIN).check(CheckName.MX_STARTTLS);

      assertThat(probe.result()).isEqualTo(Result.FAIL);
      assertThat(probe.message()).contains("does not offer STARTTLS");
      assertThat(plain.commands()).noneMatch(c -> c.equals("STARTTLS"));
    }
  }

  @Test
  void anMxCertificateForAnotherNameFails() {
    try (LocalSmtpServer wrongName = LocalSmtpServer.start(MX_HOST, CA.issue("smtp.example.org"))) {
      Verifier verifier = new Verifier(domain.settings().smtpPort(wrongName.port()).build());

      CheckOutcome probe = verifier.verify(DOMAIN).check(CheckName.MX_STARTTLS);

      assertThat(probe.result()).isEqualTo(Result.FAIL);
      assertThat(probe.message()).contains("offers STARTTLS")
          .contains("valid for smtp.example.org, not for " + MX_HOST);
      assertThat(wrongName.serverNamesSeen()).containsOnly(MX_HOST);
    }
  }

  @Test
  void onlyTheFailingMxHostsAreNamedAsRefused() {
    domain.servePolicy(POLICY.replace("mx: mx.example.com\r\n",
        "mx: mx.example.com\r\nmx: mx2.example.com\r\n"));
    domain.replaceMx(MX_HOST, "mx2.example.com");

    CheckOutcome probe = verify().check(CheckName.MX_STARTTLS);

    assertThat(probe.result()).isEqualTo(Result.FAIL);
    assertThat(probe.message())
        .startsWith("mx2.example.com (")
        .contains("refuse to deliver to mx2.example.com;")
        .contains("the other MX hosts: mx.example.com (");
  }

  @Test
  void anMxProblemOnlyWarnsInTestingMode() {
    domain.servePolicy(POLICY.replace("enforce", "testing"));
    try (LocalSmtpServer plain = LocalSmtpServer.startWithoutStartTls(MX_HOST)) {
      Verifier verifier = new Verifier(domain.settings().smtpPort(plain.port()).build());

      CheckOutcome probe = verifier.verify(DOMAIN).check(CheckName.MX_STARTTLS);

      assertThat(probe.result()).isEqualTo(Result.WARN);
      assertThat(probe.message()).contains("mode testing");
    }
  }

  @Test
  void anUnreachablePort25SkipsTheProbeWithTheReason() {
    Verifier verifier =
        new Verifier(domain.settings().smtpPort(PolicyFetchTest.closedPort()).build());

    CheckOutcome probe = verifier.verify(DOMAIN).check(CheckName.MX_STARTTLS);

    assertThat(probe.result()).isEqualTo(Result.SKIPPED);
    assertThat(probe.message()).contains("cannot be reached").contains("often blocked");
  }

  @Test
  void anMxLookupTimeoutIsTemporary() {
    domain.dns.stall(DOMAIN);
    Verifier verifier =
        new Verifier(domain.settings().timeout(LocalMailDomain.SHORT_TIMEOUT).build());

    VerificationReport report = verifier.verify(DOMAIN);

    assertThat(report.check(CheckName.MX_COVERAGE).result()).isEqualTo(Result.WARN);
    assertThat(report.check(CheckName.MX_COVERAGE).message()).contains("temporary");
    assertThat(report.check(CheckName.MX_STARTTLS).result()).isEqualTo(Result.SKIPPED);
  }
}
