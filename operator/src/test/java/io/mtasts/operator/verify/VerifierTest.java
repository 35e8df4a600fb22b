package io.mtasts.operator.verify;

import static io.mtasts.operator.verify.LocalMailDomain.DOMAIN;
import static io.mtasts.operator.verify.LocalMailDomain.ID;
import static io.mtasts.operator.verify.LocalMailDomain.MX_HOST;
import static io.mtasts.operator.verify.LocalMailDomain.POLICY_HOST;
import static io.mtasts.operator.verify.LocalMailDomain.TLSRPT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierTest {
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

  @Test
  void aCorrectDeploymentPassesEveryCheckInTheDocumentedOrder() {
    VerificationReport report = domain.verifier().verify(DOMAIN, LocalMailDomain.everything());

    assertThat(report.checks()).extracting(CheckOutcome::name)
        .containsExactly(CheckName.values());
    assertThat(report.checks()).allSatisfy(
        check -> assertThat(check.result()).as(check.toString()).isEqualTo(Result.PASS));
    assertThat(report.passed()).isTrue();
    assertThat(report.failed()).isFalse();
    assertThat(report.domain()).isEqualTo(DOMAIN);
    assertThat(report.stsRecordId()).contains(ID);
    assertThat(report.tlsRptRecord()).contains(TLSRPT);
    assertThat(report.mxHosts()).containsExactly(MX_HOST);
    assertThat(report.certificateNotAfter()).get()
        .matches(notAfter -> notAfter.isAfter(Instant.now().plus(Duration.ofDays(30))));
    assertThat(report.check(CheckName.MX_STARTTLS).message()).contains("TLSv1.3");
  }

  @Test
  void thePolicyIsFetchedWithTheSniNameOfThePolicyHostOverTls12OrNewer() {
    domain.verifier().verify(DOMAIN);

    assertThat(domain.https.serverNamesSeen()).containsOnly(POLICY_HOST);
    assertThat(domain.https.requests()).singleElement().satisfies(request -> {
      assertThat(request.method()).isEqualTo("GET");
      assertThat(request.path()).isEqualTo(LocalMailDomain.POLICY_PATH);
      assertThat(request.tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
      assertThat(request.header("Accept-Encoding")).isEmpty();
    });
    assertThat(domain.smtp.serverNamesSeen()).containsOnly(MX_HOST);
    assertThat(domain.smtp.commands()).contains("STARTTLS").noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void withoutExpectationsOnlyTheContentComparisonIsSkipped() {
    VerificationReport report = domain.verifier().verify(DOMAIN);

    assertThat(report.check(CheckName.POLICY_CONTENT).result()).isEqualTo(Result.SKIPPED);
    assertThat(report.checks()).filteredOn(c -> c.name() != CheckName.POLICY_CONTENT)
        .allSatisfy(c -> assertThat(c.result()).as(c.toString()).isEqualTo(Result.PASS));
  }

  @Test
  void theMxProbeIsSkippedWithItsReasonWhenTurnedOff() {
    Verifier verifier = new Verifier(domain.settings().probeMx(false).build());

    CheckOutcome probe = verifier.verify(DOMAIN).check(CheckName.MX_STARTTLS);

    assertThat(probe.result()).isEqualTo(Result.SKIPPED);
    assertThat(probe.message()).contains("--probe-mx");
    assertThat(domain.smtp.commands()).isEmpty();
  }

  @Test
  void aResourceAskingForTheMxProbeGetsItWhateverTheVerifierDefault() {
    Verifier verifier = new Verifier(domain.settings().probeMx(false).build());

    CheckOutcome asked = verifier.verify(DOMAIN, Expectations.builder().probeMx(true).build())
        .check(CheckName.MX_STARTTLS);
    assertThat(asked.result()).isEqualTo(Result.PASS);
    assertThat(domain.smtp.commands()).isNotEmpty();

    Verifier probing = new Verifier(domain.settings().probeMx(true).build());
    CheckOutcome declined = probing.verify(DOMAIN, Expectations.builder().probeMx(false).build())
        .check(CheckName.MX_STARTTLS);
    assertThat(declined.result()).isEqualTo(Result.SKIPPED);
    assertThat(declined.message()).contains("verification.probeMx");
  }

  @Test
  void oneVerifierServesConcurrentCallers() throws Exception {
    Verifier verifier = domain.verifier();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<VerificationReport>> runs = IntStream.range(0, 8)
          .mapToObj(i -> CompletableFuture.supplyAsync(
              () -> verifier.verify(DOMAIN, LocalMailDomain.everything()), pool))
          .toList();
      for (CompletableFuture<VerificationReport> run : runs) {
        assertThat(run.get().passed()).isTrue();
        assertThat(run.get().count(Result.PASS)).isEqualTo(CheckName.values().length);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDomainWrittenWithATrailingDotOrCapitalsIsTheSameDomain() {
    VerificationReport report = domain.verifier().verify("Example.COM.");

    assertThat(report.domain()).isEqualTo(DOMAIN);
    assertThat(report.stsRecordId()).contains(ID);
  }

  @Test
  void somethingThatIsNoDomainNameIsRefusedBeforeAnyLookup() {
    Verifier verifier = domain.verifier();

    assertThatThrownBy(() -> verifier.verify("exa mple.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a mail domain");
    assertThatThrownBy(() -> verifier.verify("*.example.com"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> verifier.verify("localhost"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(domain.dns.queries()).isEmpty();
  }

  @Test
  void anUnreadableCaFileIsReportedWhenTheVerifierIsBuilt() {
    VerifierSettings settings = domain.settings().caFile(tmp.resolve("missing.pem")).build();

    assertThatThrownBy(() -> new Verifier(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.pem").hasMessageContaining("does not exist");
  }
}
