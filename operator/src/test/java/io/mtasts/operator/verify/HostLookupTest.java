package io.mtasts.operator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.localserver.LocalDnsServer;
import io.mtasts.operator.verify.HostLookup.HostAnswer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Whether a policy host resolves, asked of the in-process DNS server. */
class HostLookupTest {

  private final LocalDnsServer dns = LocalDnsServer.start();

  @AfterEach
  void stop() {
    dns.close();
  }

  private HostAnswer lookup(String host) {
    return new HostLookup(VerifierSettings.builder().dnsServer(dns.hostAndPort())
        .timeout(Duration.ofSeconds(2)).build()).lookup(host);
  }

  @Test
  void anAddressRecordResolves() {
    dns.addAddress("mta-sts.example.com", "192.0.2.10");

    HostAnswer answer = lookup("mta-sts.example.com");

    assertThat(answer.resolves()).isTrue();
    assertThat(answer.addresses()).containsExactly("192.0.2.10");
  }

  @Test
  void anIpv6AddressAloneResolves() {
    dns.addAddress("mta-sts.example.com", "2001:db8::10");

    assertThat(lookup("mta-sts.example.com").resolves()).isTrue();
  }

  @Test
  void aCnameToTheProvidersHostResolvesAndShowsTheChain() {
    dns.addCname("mta-sts.example.com", "mta-sts.provider.example")
        .addAddress("mta-sts.provider.example", "192.0.2.20");

    HostAnswer answer = lookup("mta-sts.example.com");

    assertThat(answer.resolves()).isTrue();
    assertThat(answer.cnameChain()).contains("mta-sts.example.com");
    assertThat(answer.addresses()).containsExactly("192.0.2.20");
  }

  @Test
  void aNameNotPublishedIsAbsentAndSaysSo() {
    HostAnswer answer = lookup("mta-sts.example.com");

    assertThat(answer.kind()).isEqualTo(HostAnswer.Kind.ABSENT);
    assertThat(answer.problem()).contains("mta-sts.example.com");
  }

  @Test
  void aServerFailureIsNotTakenForAnAnswer() {
    dns.failWithServfail("mta-sts.example.com");

    HostAnswer answer = lookup("mta-sts.example.com");

    assertThat(answer.kind()).isEqualTo(HostAnswer.Kind.FAILED);
    assertThat(answer.problem()).contains("SERVFAIL");
  }
}
