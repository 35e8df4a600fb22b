package io.mtasts.operator.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VerifierSettingsTest {

  @Test
  void theDefaultsAreWhatSendersDo() {
    VerifierSettings defaults = VerifierSettings.defaults();

    assertThat(defaults.dnsServers()).isEmpty();
    assertThat(defaults.caFile()).isEmpty();
    assertThat(defaults.allowPrivate()).isFalse();
    assertThat(defaults.probeMx()).isFalse();
    assertThat(defaults.httpsPort()).isEqualTo(443);
    assertThat(defaults.smtpPort()).isEqualTo(25);
    assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "192.0.2.53,           192.0.2.53,    53",
      "192.0.2.53:5353,      192.0.2.53,    5353",
      "dns.example.net,      dns.example.net, 53",
      "[2001:db8::53]:5353,  2001:db8::53,  5353",
      "[2001:db8::53],       2001:db8::53,  53",
      "2001:db8::53,         2001:db8::53,  53",
  })
  void dnsServersAreHostAndOptionalPort(String text, String host, int port) {
    VerifierSettings settings = VerifierSettings.builder().dnsServer(text).build();

    assertThat(settings.dnsServers()).containsExactly(new HostAndPort(host, port));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ":53", "192.0.2.53:", "192.0.2.53:0", "192.0.2.53:70000",
      "192.0.2.53:dns", "[2001:db8::53", "[2001:db8::53]x"})
  void badDnsServersAreRefusedWithTheAcceptedForms(String text) {
    assertThatThrownBy(() -> VerifierSettings.builder().dnsServer(text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aResolveOverrideNamesHostPortAndAddresses() {
    ResolveOverride override =
        ResolveOverride.parse("MTA-STS.example.com.:8443:192.0.2.10,[2001:db8::10]");

    assertThat(override.host()).isEqualTo("mta-sts.example.com");
    assertThat(override.port()).isEqualTo(8443);
    assertThat(override.addresses()).extracting(a -> a.getHostAddress())
        .containsExactly("192.0.2.10", "2001:db8:0:0:0:0:0:10");
    assertThat(override.appliesTo("mta-sts.example.com", 8443)).isTrue();
    assertThat(override.appliesTo("mta-sts.example.com", 443)).isFalse();
    assertThat(override.appliesTo("example.com", 8443)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mta-sts.example.com", "mta-sts.example.com:443",
      "mta-sts.example.com:443:", "mta-sts.example.com:https:192.0.2.1",
      "mta-sts.example.com:443:www.example.com", ":443:192.0.2.1"})
  void badOverridesAreRefused(String text) {
    assertThatThrownBy(() -> ResolveOverride.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void anAddressInAnOverrideIsNeverLookedUp() {
    assertThatThrownBy(() -> ResolveOverride.parse("mta-sts.example.com:443:localhost"))
        .hasMessageContaining("'localhost'").hasMessageContaining("address literal");
  }

  @Test
  void theTimeoutMustBePositive() {
    assertThatThrownBy(() -> VerifierSettings.builder().timeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anExpectedIdMustBeAValidId() {
    assertThatThrownBy(() -> Expectations.builder().id("not-valid"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("letters or digits");
  }
}
