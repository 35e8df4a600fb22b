package io.mtasts.operator.verify;

import static io.mtasts.operator.verify.LocalMailDomain.CA;
import static io.mtasts.operator.verify.LocalMailDomain.DOMAIN;
import static io.mtasts.operator.verify.LocalMailDomain.POLICY;
import static io.mtasts.operator.verify.LocalMailDomain.POLICY_HOST;
import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.localserver.LocalCertificateAuthority;
import io.mtasts.operator.localserver.ScriptedResponse;
import io.mtasts.operator.policy.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/** The policy download, its HTTP rules, the policy host's certificate and the policy body. */
class PolicyFetchTest {
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

  private CheckOutcome fetch() {
    return verify().check(CheckName.POLICY_FETCH);
  }

  @Test
  void notFoundFails() {
    domain.respond(ScriptedResponse.status(404));

    VerificationReport report = verify();

    assertThat(report.check(CheckName.POLICY_FETCH).result()).isEqualTo(Result.FAIL);
    assertThat(report.check(CheckName.POLICY_FETCH).message()).contains("HTTP 404")
        .contains("only 200");
    assertThat(report.check(CheckName.POLICY_SYNTAX).result()).isEqualTo(Result.SKIPPED);
    assertThat(report.check(CheckName.MX_COVERAGE).result()).isEqualTo(Result.SKIPPED);
  }

  @Test
  void aRedirectFailsAndIsNeverFollowed() {
    domain.respond(ScriptedResponse.redirect("https://www.example.com/moved-policy.txt"));
    domain.https.respond("/moved-policy.txt", ScriptedResponse.ok("text/plain", POLICY));

    CheckOutcome fetch = fetch();

    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains("301")
        .contains("'https://www.example.com/moved-policy.txt'").contains("never follow");
    assertThat(domain.https.wasRequested("/moved-policy.txt")).isFalse();
    assertThat(domain.https.requests()).hasSize(1);
  }

  @Test
  void htmlIsNotAPolicy() {
    domain.respond(ScriptedResponse.ok("text/html; charset=utf-8", POLICY));

    CheckOutcome fetch = fetch();

    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains("'text/html; charset=utf-8'").contains("text/plain");
  }

  @Test
  void aMissingContentTypeIsAWarningBecauseSendersDisagree() {
    domain.respond(ScriptedResponse.status(200)
        .withBody(POLICY.getBytes(StandardCharsets.US_ASCII)));

    VerificationReport report = verify();

    assertThat(report.check(CheckName.POLICY_FETCH).result()).isEqualTo(Result.WARN);
    assertThat(report.check(CheckName.POLICY_FETCH).message()).contains("no Content-Type");
    assertThat(report.check(CheckName.POLICY_SYNTAX).result()).isEqualTo(Result.PASS);
  }

  @Test
  void aUtf8CharsetIsFine() {
    domain.respond(ScriptedResponse.ok("text/plain; charset=\"UTF-8\"", POLICY));

    assertThat(fetch().result()).isEqualTo(Result.PASS);
  }

  @Test
  void aBodyOverTheLimitIsCutOffAtTheLimit() {
    byte[] huge = new byte[4 * 1024 * 1024];
    Arrays.fill(huge, (byte) 'x');
    // no Content-Length and a slow trickle: only reading can find out, and reading must stop
    domain.respond(ScriptedResponse.ok("text/plain", huge)
        .withFraming(ScriptedResponse.Framing.CHUNKED)
        .streamed(16 * 1024, Duration.ofMillis(50)));
    long start = System.nanoTime();

    VerificationReport report = verify();

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    CheckOutcome fetch = report.check(CheckName.POLICY_FETCH);
    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains("more than 65536 bytes").contains("stopped");
    // the whole body would take 256 pieces x 50 ms; stopping at 64 KiB takes 4 pieces
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    assertThat(report.check(CheckName.POLICY_SYNTAX).result()).isEqualTo(Result.SKIPPED);
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedUnread() {
    byte[] large = new byte[Policy.MAX_BYTES + 1];
    Arrays.fill(large, (byte) 'x');
    domain.respond(ScriptedResponse.ok("text/plain", large));

    CheckOutcome fetch = fetch();

    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains("declares 65537 bytes");
  }

  @Test
  void aServerThatStallsIsCutOffByTheTimeout() {
    domain.respond(ScriptedResponse.ok("text/plain", POLICY).stallAfterHeaders());
    Verifier verifier =
        new Verifier(domain.settings().timeout(LocalMailDomain.SHORT_TIMEOUT).probeMx(false)
            .build());
    long start = System.nanoTime();

    CheckOutcome fetch = verifier.verify(DOMAIN).check(CheckName.POLICY_FETCH);

    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains("within 1 s");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aTricklingServerIsCutOffByTheTotalTimeNotJustTheGapBetweenBytes() {
    // every gap is shorter than the timeout, the whole is far longer
    domain.respond(ScriptedResponse.ok("text/plain", POLICY).streamed(1, Duration.ofMillis(200)));
    Verifier verifier =
        new Verifier(domain.settings().timeout(LocalMailDomain.SHORT_TIMEOUT).probeMx(false)
            .build());
    long start = System.nanoTime();

    CheckOutcome fetch = verifier.verify(DOMAIN).check(CheckName.POLICY_FETCH);

    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains("did not finish within 1 s");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aCertificateForAnotherNameFailsTheFetchAndTheCertificate() {
    domain.https.serveCertificateFor(POLICY_HOST, CA.issue("www.example.com"));

    VerificationReport report = verify();

    assertThat(report.check(CheckName.POLICY_FETCH).result()).isEqualTo(Result.FAIL);
    CheckOutcome certificate = report.check(CheckName.CERTIFICATE);
    assertThat(certificate.result()).isEqualTo(Result.FAIL);
    assertThat(certificate.message()).contains("valid for www.example.com, not for " + POLICY_HOST);
    assertThat(domain.https.requests()).isEmpty();
  }

  @Test
  void aWildcardCertificateCoversThePolicyHost() {
    domain.https.serveCertificateFor(POLICY_HOST, CA.issue("*.example.com"));

    assertThat(verify().check(CheckName.CERTIFICATE).result()).isEqualTo(Result.PASS);
  }

  @Test
  void aCertificateWithoutSubjectAltNameIsRefused() {
    domain.https.serveCertificateFor(POLICY_HOST, CA.issueWithoutSubjectAltName(POLICY_HOST));

    CheckOutcome certificate = verify().check(CheckName.CERTIFICATE);

    assertThat(certificate.result()).isEqualTo(Result.FAIL);
    assertThat(certificate.message()).contains("no subjectAltName");
  }

  @Test
  void anExpiredCertificateFails() {
    Instant now = Instant.now();
    domain.https.serveCertificateFor(POLICY_HOST,
        CA.issue(now.minus(Duration.ofDays(90)), now.minus(Duration.ofDays(2)), POLICY_HOST));

    VerificationReport report = verify();

    assertThat(report.check(CheckName.POLICY_FETCH).result()).isEqualTo(Result.FAIL);
    CheckOutcome certificate = report.check(CheckName.CERTIFICATE);
    assertThat(certificate.result()).isEqualTo(Result.FAIL);
    assertThat(certificate.message()).contains("expired on").contains("renew");
    assertThat(report.certificateNotAfter()).get().matches(t -> t.isBefore(now));
  }

  @Test
  void aCertificateExpiringWithinTwoWeeksWarns() {
    Instant now = Instant.now();
    domain.https.serveCertificateFor(POLICY_HOST,
        CA.issue(now.minus(Duration.ofDays(80)), now.plus(Duration.ofDays(5)), POLICY_HOST));

    VerificationReport report = verify();

    assertThat(report.check(CheckName.POLICY_FETCH).result()).isEqualTo(Result.PASS);
    CheckOutcome certificate = report.check(CheckName.CERTIFICATE);
    assertThat(certificate.result()).isEqualTo(Result.WARN);
    assertThat(certificate.message()).contains("in 4 days").contains("renew it now");
  }

  @Test
  void aCertificateFromAnUntrustedAuthorityFails() {
    LocalCertificateAuthority stranger = LocalCertificateAuthority.create("some other CA");
    domain.https.serveCertificateFor(POLICY_HOST, stranger.issue(POLICY_HOST));

    VerificationReport report = verify();

    assertThat(report.check(CheckName.POLICY_FETCH).result()).isEqualTo(Result.FAIL);
    CheckOutcome certificate = report.check(CheckName.CERTIFICATE);
    assertThat(certificate.result()).isEqualTo(Result.FAIL);
    assertThat(certificate.message()).contains("does not chain to a trusted root")
        .contains("some other CA");
  }

  @Test
  void theLocalAuthorityIsOnlyTrustedThroughTheCaFile() {
    Verifier jdkRootsOnly = new Verifier(domain.settings().caFile((Path) null).build());

    CheckOutcome certificate = jdkRootsOnly.verify(DOMAIN).check(CheckName.CERTIFICATE);

    assertThat(certificate.result()).isEqualTo(Result.FAIL);
    assertThat(certificate.message()).contains("JDK's roots");
  }

  @Test
  void aBodyOtherThanTheExpectedBytesFailsTheContentCheck() {
    domain.servePolicy(POLICY.replace("max_age: 604800", "max_age: 86400"));

    CheckOutcome content = domain.verifier().verify(DOMAIN, LocalMailDomain.everything())
        .check(CheckName.POLICY_CONTENT);

    assertThat(content.result()).isEqualTo(Result.FAIL);
    assertThat(content.message()).contains("line 4 is 'max_age: 86400\\r', desired"
        + " 'max_age: 604800\\r'");
  }

  @Test
  void anInvalidPolicyFailsTheSyntaxCheckWithTheLine() {
    domain.servePolicy("version: STSv1\r\nmode: Enforce\r\nmx: mx.example.com\r\nmax_age: 1\r\n");

    VerificationReport report = verify();

    CheckOutcome syntax = report.check(CheckName.POLICY_SYNTAX);
    assertThat(syntax.result()).isEqualTo(Result.FAIL);
    assertThat(syntax.message()).contains("line 2");
    assertThat(report.check(CheckName.POLICY_MODE).result()).isEqualTo(Result.SKIPPED);
  }

  @Test
  void aDisputedPolicyFormIsAWarning() {
    domain.servePolicy(POLICY + "\r\n");

    CheckOutcome syntax = verify().check(CheckName.POLICY_SYNTAX);

    assertThat(syntax.result()).isEqualTo(Result.WARN);
    assertThat(syntax.message()).contains("blank line");
  }

  @Test
  void testingModeAndShortMaxAgeAreWarnings() {
    domain.servePolicy(POLICY.replace("enforce", "testing").replace("604800", "3600"));

    CheckOutcome mode = verify().check(CheckName.POLICY_MODE);

    assertThat(mode.result()).isEqualTo(Result.WARN);
    assertThat(mode.message()).contains("testing mode").contains("switch to enforce")
        .contains("below a day");
  }

  @Test
  void enforceWithLessThanAWeekWarns() {
    domain.servePolicy(POLICY.replace("604800", "86400"));

    CheckOutcome mode = verify().check(CheckName.POLICY_MODE);

    assertThat(mode.result()).isEqualTo(Result.WARN);
    assertThat(mode.message()).contains("below a week");
  }

  @Test
  void aPolicyHostOnLoopbackIsNotContactedUnlessAllowed() {
    Verifier publicOnly = new Verifier(domain.settings().allowPrivate(false).build());

    VerificationReport report = publicOnly.verify(DOMAIN);

    CheckOutcome fetch = report.check(CheckName.POLICY_FETCH);
    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains("127.0.0.1 (loopback)").contains("--allow-private");
    assertThat(domain.https.connectionCount()).isZero();
    CheckOutcome probe = report.check(CheckName.MX_STARTTLS);
    assertThat(probe.result()).isEqualTo(Result.WARN);
    assertThat(probe.message()).contains("loopback").contains("--allow-private");
    assertThat(domain.smtp.commands()).isEmpty();
  }

  @Test
  void metadataAddressesAreNamedAsSuch() {
    domain.dns.remove(POLICY_HOST, Type.A).addAddress(POLICY_HOST, "169.254.169.254");
    Verifier publicOnly = new Verifier(domain.settings().allowPrivate(false).build());

    CheckOutcome fetch = publicOnly.verify(DOMAIN).check(CheckName.POLICY_FETCH);

    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains("169.254.169.254 (a cloud metadata service)");
  }

  @Test
  void aResolveOverrideReplacesDnsForThatHostAndPort() {
    domain.dns.remove(POLICY_HOST, Type.A);
    Verifier withOverride = new Verifier(domain.settings()
        .resolve(POLICY_HOST + ":" + domain.https.port() + ":127.0.0.1").build());

    CheckOutcome fetch = withOverride.verify(DOMAIN).check(CheckName.POLICY_FETCH);

    assertThat(fetch.result()).isEqualTo(Result.PASS);
    assertThat(fetch.message()).contains("fixed by --resolve");
    assertThat(domain.dns.queries()).noneMatch(q -> q.name().equals(POLICY_HOST));
  }

  @Test
  void anOverrideForAnotherPortDoesNotApply() {
    domain.dns.remove(POLICY_HOST, Type.A);
    Verifier withOverride = new Verifier(domain.settings()
        .resolve(POLICY_HOST + ":443:127.0.0.1").build());

    CheckOutcome fetch = withOverride.verify(DOMAIN).check(CheckName.POLICY_FETCH);

    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains("does not exist in DNS");
  }

  @Test
  void aPolicyHostMissingFromDnsFails() {
    domain.dns.remove(POLICY_HOST, Type.A);

    CheckOutcome fetch = fetch();

    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains(POLICY_HOST).contains("NXDOMAIN");
  }

  @Test
  void aPolicyHostWithoutAddressRecordsFails() {
    domain.dns.remove(POLICY_HOST, Type.A).addTxt(POLICY_HOST, "not an address");

    CheckOutcome fetch = fetch();

    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains("has no A or AAAA record");
  }

  @Test
  void aTemporaryDnsFailureForThePolicyHostIsOnlyAWarning() {
    domain.dns.failWithServfail(POLICY_HOST);

    CheckOutcome fetch = fetch();

    assertThat(fetch.result()).isEqualTo(Result.WARN);
    assertThat(fetch.message()).contains("SERVFAIL").contains("try again");
  }

  @Test
  void aClosedPortFailsWithTheAddressTried() {
    Verifier wrongPort = new Verifier(domain.settings().httpsPort(closedPort()).build());

    CheckOutcome fetch = wrongPort.verify(DOMAIN).check(CheckName.POLICY_FETCH);

    assertThat(fetch.result()).isEqualTo(Result.FAIL);
    assertThat(fetch.message()).contains("cannot connect").contains("127.0.0.1");
  }

  static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
