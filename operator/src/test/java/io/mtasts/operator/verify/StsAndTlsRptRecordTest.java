package io.mtasts.operator.verify;

import static io.mtasts.operator.verify.LocalMailDomain.DOMAIN;
import static io.mtasts.operator.verify.LocalMailDomain.ID;
import static io.mtasts.operator.verify.LocalMailDomain.STS_NAME;
import static io.mtasts.operator.verify.LocalMailDomain.TLSRPT_NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.localserver.LocalDnsServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/** The {@code _mta-sts} and {@code _smtp._tls} TXT records as a sender reads them. */
class StsAndTlsRptRecordTest {
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

  private VerificationReport verify(Expectations expected) {
    return domain.verifier().verify(DOMAIN, expected);
  }

  @Test
  void aMissingStsRecordMeansNoMtaSts() {
    domain.dns.remove(STS_NAME, Type.TXT);

    VerificationReport report = verify();

    CheckOutcome sts = report.check(CheckName.STS_TXT_RECORD);
    assertThat(sts.result()).isEqualTo(Result.FAIL);
    assertThat(sts.message()).contains("NXDOMAIN").contains("no MTA-STS")
        .contains("publish 'v=STSv1; id=");
    assertThat(report.stsRecordId()).isEmpty();
    assertThat(report.failed()).isTrue();
  }

  @Test
  void aNameWithOnlyOtherRecordTypesIsNodataAndAlsoMeansNoMtaSts() {
    domain.dns.remove(STS_NAME, Type.TXT).addAddress(STS_NAME, "192.0.2.1");

    CheckOutcome sts = verify().check(CheckName.STS_TXT_RECORD);

    assertThat(sts.result()).isEqualTo(Result.FAIL);
    assertThat(sts.message()).contains("has no TXT record").doesNotContain("NXDOMAIN");
  }

  @Test
  void twoStsRecordsLeaveSendersWithNone() {
    domain.replaceTxt(STS_NAME, "v=STSv1; id=one", "v=STSv1; id=two");

    VerificationReport report = verify();

    CheckOutcome sts = report.check(CheckName.STS_TXT_RECORD);
    assertThat(sts.result()).isEqualTo(Result.FAIL);
    assertThat(sts.message()).contains("2 TXT records").contains("delete all but one");
    assertThat(report.stsRecordId()).isEmpty();
  }

  @Test
  void anUnrelatedTxtRecordBesideTheStsRecordIsIgnored() {
    domain.dns.addTxt(STS_NAME, "google-site-verification=abc123");

    VerificationReport report = verify();

    assertThat(report.check(CheckName.STS_TXT_RECORD).result()).isEqualTo(Result.PASS);
    assertThat(report.stsRecordId()).contains(ID);
  }

  @Test
  void anInvalidIdMakesTheRecordUnusable() {
    domain.replaceTxt(STS_NAME, "v=STSv1; id=2024-01-01");

    VerificationReport report = verify();

    CheckOutcome sts = report.check(CheckName.STS_TXT_RECORD);
    assertThat(sts.result()).isEqualTo(Result.FAIL);
    assertThat(sts.message()).contains("'v=STSv1; id=2024-01-01'")
        .contains("field id").contains("letters or digits");
    assertThat(report.stsRecordId()).isEmpty();
  }

  @Test
  void anIdOtherThanTheExpectedOneFailsAndSaysWhatToPublish() {
    domain.replaceTxt(STS_NAME, "v=STSv1; id=old1");

    VerificationReport report = verify(Expectations.builder().id(ID).build());

    CheckOutcome sts = report.check(CheckName.STS_TXT_RECORD);
    assertThat(sts.result()).isEqualTo(Result.FAIL);
    assertThat(sts.message()).contains("has id old1, expected " + ID)
        .contains("publish 'v=STSv1; id=" + ID + "'");
    assertThat(report.stsRecordId()).contains("old1");
  }

  @Test
  void aRecordDelegatedByCnameIsFollowed() {
    domain.dns.remove(STS_NAME, Type.TXT)
        .addCname(STS_NAME, "_mta-sts.provider.example.net")
        .addCname("_mta-sts.provider.example.net", "policy.provider.example.net")
        .addTxt("policy.provider.example.net", "v=STSv1; id=" + ID);

    VerificationReport report = verify(Expectations.builder().id(ID).build());

    CheckOutcome sts = report.check(CheckName.STS_TXT_RECORD);
    assertThat(sts.result()).isEqualTo(Result.PASS);
    assertThat(sts.message()).contains("via CNAME _mta-sts.example.com -> "
        + "_mta-sts.provider.example.net -> policy.provider.example.net");
    assertThat(report.stsRecordId()).contains(ID);
  }

  @Test
  void aCnameLoopIsABrokenZoneNotAMissingRecord() {
    domain.dns.remove(STS_NAME, Type.TXT)
        .addCname(STS_NAME, "a.example.net")
        .addCname("a.example.net", STS_NAME);

    CheckOutcome sts = verify().check(CheckName.STS_TXT_RECORD);

    assertThat(sts.result()).isIn(Result.FAIL, Result.WARN);
    assertThat(sts.message()).doesNotContain("no MTA-STS");
  }

  @Test
  void theStringsOfAMultiStringRecordAreJoinedWithoutSpaces() {
    domain.dns.remove(STS_NAME, Type.TXT)
        .addTxt(STS_NAME, "v=STSv1; ", "id=" + ID.substring(0, 7), ID.substring(7));

    VerificationReport report = verify(Expectations.builder().id(ID).build());

    assertThat(report.check(CheckName.STS_TXT_RECORD).result()).isEqualTo(Result.PASS);
    assertThat(report.stsRecordId()).contains(ID);
  }

  @Test
  void aDnsTimeoutIsATemporaryWarningNeverNoMtaSts() {
    domain.dns.stall(STS_NAME);
    Verifier verifier =
        new Verifier(domain.settings().timeout(LocalMailDomain.SHORT_TIMEOUT).build());
    long start = System.nanoTime();

    VerificationReport report = verifier.verify(DOMAIN);

    CheckOutcome sts = report.check(CheckName.STS_TXT_RECORD);
    assertThat(sts.result()).isEqualTo(Result.WARN);
    assertThat(sts.message()).contains("temporary").contains("no answer within 1 s")
        .contains(domain.dns.hostAndPort()).doesNotContain("no MTA-STS");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void servfailIsATemporaryWarning() {
    domain.dns.failWithServfail(STS_NAME);

    CheckOutcome sts = verify().check(CheckName.STS_TXT_RECORD);

    assertThat(sts.result()).isEqualTo(Result.WARN);
    assertThat(sts.message()).contains("SERVFAIL").contains("temporary")
        .doesNotContain("no MTA-STS");
  }

  @Test
  void aTruncatedUdpAnswerIsRetriedOverTcp() {
    domain.dns.truncateOverUdp(STS_NAME);

    VerificationReport report = verify();

    assertThat(report.check(CheckName.STS_TXT_RECORD).result()).isEqualTo(Result.PASS);
    assertThat(domain.dns.queries()).contains(
        new LocalDnsServer.Query(STS_NAME, Type.TXT, LocalDnsServer.Transport.TCP));
  }

  @Test
  void theNextDnsServerIsAskedWhenTheFirstIsDown() throws Exception {
    int deadPort;
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      deadPort = socket.getLocalPort();
    }
    Verifier verifier = new Verifier(domain.settings()
        .dnsServers(List.of("127.0.0.1:" + deadPort, domain.dns.hostAndPort())).build());

    VerificationReport report = verifier.verify(DOMAIN);

    assertThat(report.check(CheckName.STS_TXT_RECORD).result()).isEqualTo(Result.PASS);
    assertThat(report.passed()).isTrue();
  }

  @Test
  void testingModeWithoutTlsRptWarnsThatNobodyGetsTheReports() {
    domain.dns.remove(TLSRPT_NAME, Type.TXT);
    domain.servePolicy(LocalMailDomain.POLICY.replace("enforce", "testing"));

    VerificationReport report = verify();

    CheckOutcome tlsRpt = report.check(CheckName.TLS_RPT_RECORD);
    assertThat(tlsRpt.result()).isEqualTo(Result.WARN);
    assertThat(tlsRpt.message()).contains("testing mode").contains("publish 'v=TLSRPTv1;");
    assertThat(report.tlsRptRecord()).isEmpty();
  }

  @Test
  void enforceModeWithoutTlsRptIsSkippedNeverPassedAndRecommendsIt() {
    domain.dns.remove(TLSRPT_NAME, Type.TXT);

    CheckOutcome tlsRpt = verify().check(CheckName.TLS_RPT_RECORD);

    // nothing was found, so nothing passed: an absent optional record is not a verdict
    assertThat(tlsRpt.result()).isEqualTo(Result.SKIPPED);
    assertThat(tlsRpt.message()).contains("optional");
  }

  @Test
  void twoTlsRptRecordsLeaveSendersWithNone() {
    domain.replaceTxt(TLSRPT_NAME, LocalMailDomain.TLSRPT,
        "v=TLSRPTv1; rua=mailto:other@example.com");

    VerificationReport report = verify();

    CheckOutcome tlsRpt = report.check(CheckName.TLS_RPT_RECORD);
    assertThat(tlsRpt.result()).isEqualTo(Result.FAIL);
    assertThat(tlsRpt.message()).contains("2 TXT records");
    assertThat(report.tlsRptRecord()).isEmpty();
  }

  @Test
  void aTlsRptRecordOtherThanTheDesiredOneFails() {
    VerificationReport report = verify(Expectations.builder()
        .tlsRptRecord("v=TLSRPTv1; rua=mailto:reports@example.org").build());

    CheckOutcome tlsRpt = report.check(CheckName.TLS_RPT_RECORD);
    assertThat(tlsRpt.result()).isEqualTo(Result.FAIL);
    assertThat(tlsRpt.message()).contains("publish 'v=TLSRPTv1; rua=mailto:reports@example.org'");
    assertThat(report.tlsRptRecord()).contains(LocalMailDomain.TLSRPT);
  }

  @Test
  void aDisputedTlsRptFormIsAWarning() {
    domain.replaceTxt(TLSRPT_NAME,
        "v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com");

    CheckOutcome tlsRpt = verify().check(CheckName.TLS_RPT_RECORD);

    assertThat(tlsRpt.result()).isEqualTo(Result.WARN);
    assertThat(tlsRpt.message()).contains("more than once");
  }
}
