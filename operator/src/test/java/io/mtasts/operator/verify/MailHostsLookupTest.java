package io.mtasts.operator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.localserver.LocalDnsServer;
import io.mtasts.operator.policy.Policy;
import io.mtasts.operator.policy.PolicyParser;
import io.mtasts.operator.verify.MailHostsLookup.MailHosts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The MX guard's lookup against the in-process DNS server, judged with the core's matcher. */
class MailHostsLookupTest {

  private final LocalDnsServer dns = LocalDnsServer.start();

  @AfterEach
  void stop() {
    dns.close();
  }

  private MailHosts lookup(Duration timeout) {
    return new MailHostsLookup(VerifierSettings.builder().dnsServer(dns.hostAndPort())
        .timeout(timeout).build()).lookup("Example.COM.");
  }

  private MailHosts lookup() {
    return lookup(Duration.ofSeconds(5));
  }

  private static Policy enforce(String... mx) {
    StringBuilder text = new StringBuilder("version: STSv1\r\nmode: enforce\r\n");
    for (String m : mx) {
      text.append("mx: ").append(m).append("\r\n");
    }
    return PolicyParser.parse(text.append("max_age: 86400\r\n").toString()
        .getBytes(StandardCharsets.US_ASCII)).get();
  }

  @Test
  void coveredHostsLeaveNothingUncovered() {
    dns.addMx("example.com", 10, "mx1.example.com").addMx("example.com", 20, "MX2.example.com");

    MailHosts hosts = lookup();

    assertThat(hosts.kind()).isEqualTo(MailHosts.Kind.HOSTS);
    assertThat(hosts.domain()).isEqualTo("example.com");
    assertThat(hosts.hosts()).containsExactly("mx1.example.com", "MX2.example.com");
    assertThat(hosts.uncoveredBy(enforce("mx1.example.com", "mx2.example.com"))).isEmpty();
  }

  @Test
  void anUncoveredHostIsNamedInPreferenceOrder() {
    dns.addMx("example.com", 30, "c.example.net").addMx("example.com", 10, "mx1.example.com")
        .addMx("example.com", 20, "b.example.net");

    assertThat(lookup().uncoveredBy(enforce("mx1.example.com")))
        .containsExactly("b.example.net", "c.example.net");
  }

  @Test
  void aWildcardCoversOneLabelOnly() {
    dns.addMx("example.com", 10, "a.mx.example.com").addMx("example.com", 20, "b.c.mx.example.com");

    assertThat(lookup().uncoveredBy(enforce("*.mx.example.com")))
        .containsExactly("b.c.mx.example.com");
  }

  @Test
  void aNullMxIsReportedAsSuch() {
    dns.addNullMx("example.com");

    MailHosts hosts = lookup();

    assertThat(hosts.kind()).isEqualTo(MailHosts.Kind.NULL_MX);
    assertThat(hosts.hosts()).isEmpty();
  }

  @Test
  void withoutMxRecordsTheDomainItselfIsTheMailHost() {
    dns.addAddress("example.com", "192.0.2.1");

    MailHosts hosts = lookup();

    assertThat(hosts.kind()).isEqualTo(MailHosts.Kind.HOSTS);
    assertThat(hosts.hosts()).containsExactly("example.com");
  }

  @Test
  void nxdomainIsReportedAsSuch() {
    MailHosts hosts = lookup();

    assertThat(hosts.kind()).isEqualTo(MailHosts.Kind.NO_SUCH_DOMAIN);
    assertThat(hosts.problem()).contains("does not exist (NXDOMAIN)");
  }

  @Test
  void servfailIsAFailure() {
    dns.addMx("example.com", 10, "mx1.example.com").failWithServfail("example.com");

    MailHosts hosts = lookup();

    assertThat(hosts.kind()).isEqualTo(MailHosts.Kind.FAILED);
    assertThat(hosts.problem()).contains("SERVFAIL");
  }

  @Test
  void aStalledServerFailsWithinTheTimeout() {
    dns.addMx("example.com", 10, "mx1.example.com").stall("example.com");

    long start = System.nanoTime();
    MailHosts hosts = lookup(Duration.ofSeconds(1));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(hosts.kind()).isEqualTo(MailHosts.Kind.FAILED);
    assertThat(hosts.problem()).contains("no answer within 1 s").contains(dns.hostAndPort());
    assertThat(took).as("the caller waits no longer than the DNS timeout")
        .isLessThan(Duration.ofMillis(1500));
  }
}
