package io.mtasts.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The schema patterns accept what RFC 8461/8460 and Kubernetes allow, and nothing else. */
class SpecConstraintsTest {

  @ParameterizedTest(name = "domain ''{0}'' valid={1}")
  @CsvSource({
    "example.com, true",
    "mail.example.co.uk, true",
    "xn--bcher-kva.example, true",
    "a-b.example.com, true",
    "123.example.com, true",
    "example.xn--p1ai, true",
    "Example.com, false",
    "example.com., false",
    "localhost, false",
    "1.2.3.4, false",
    "-a.example.com, false",
    "a-.example.com, false",
    "*.example.com, false",
    "exa_mple.com, false",
    "bücher.example, false",
    "'', false"
  })
  void domain(String value, boolean valid) {
    assertThat(matches(SpecConstraints.DOMAIN, value)).isEqualTo(valid);
  }

  @ParameterizedTest(name = "mx ''{0}'' valid={1}")
  @CsvSource({
    "mail.example.com, true",
    "*.example.net, true",
    "mx1.xn--bcher-kva.example, true",
    "mx, true",
    "Mail.example.com, false",
    "mail.example.com., false",
    "*.*.example.com, false",
    "**.example.com, false",
    "mail-*.example.com, false",
    "*example.com, false",
    "*, false",
    "-mail.example.com, false",
    "mail..example.com, false",
    "'', false"
  })
  void mx(String value, boolean valid) {
    assertThat(matches(SpecConstraints.MX, value)).isEqualTo(valid);
  }

  @ParameterizedTest(name = "rua ''{0}'' valid={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "mailto:tls-reports@example.com | true",
        "https://reports.example.com/v1/tlsrpt | true",
        "mailto:a%2Cb@example.com | true",
        "http://reports.example.com/ | false",
        "MAILTO:tls@example.com | false",
        "tls-reports@example.com | false",
        "mailto:a@example.com,mailto:b@example.com | false",
        "mailto:a@example.com;x | false",
        "mailto:a!b@example.com | false",
        "'mailto:a b@example.com' | false",
        "mailto: | false"
      })
  void rua(String value, boolean valid) {
    assertThat(matches(SpecConstraints.RUA, value)).isEqualTo(valid);
  }

  @ParameterizedTest(name = "duration ''{0}'' valid={1}")
  @CsvSource({
    "500ms, true",
    "20s, true",
    "15m, true",
    "1h, true",
    "1h30m, true",
    "15, false",
    "1d, false",
    "15 m, false",
    "-5m, false",
    "1.5h, false",
    "'', false"
  })
  void duration(String value, boolean valid) {
    assertThat(matches(SpecConstraints.DURATION, value)).isEqualTo(valid);
  }

  private static boolean matches(String regex, String value) {
    // find(), not matches(): the API server searches for the pattern like RE2's MatchString.
    return Pattern.compile(regex).matcher(value).find();
  }
}
