package io.mtasts.operator.policy;

import static io.mtasts.operator.policy.Mode.ENFORCE;
import static io.mtasts.operator.policy.Mode.NONE;
import static io.mtasts.operator.policy.Mode.TESTING;
import static io.mtasts.operator.policy.PolicyParserTest.RFC_8461_EXAMPLE;
import static io.mtasts.operator.policy.PolicyParserTest.RFC_8461_EXAMPLE_POLICY;
import static io.mtasts.operator.policy.PolicyParserTest.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the project publishes: the canonical policy bytes and the two TXT records, each of which
 * a strict reader parses back to the same value.
 */
class PolicyRenderingTest {

  static Stream<Arguments> policies() {
    return Stream.of(
        arguments(RFC_8461_EXAMPLE_POLICY,
            "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
                + "mx: backupmx.example.com\r\nmax_age: 604800\r\n"),
        arguments(policy(TESTING, 86400, "mail.example.com"),
            "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 86400\r\n"),
        arguments(policy(NONE, 86400),
            "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n"),
        arguments(policy(NONE, 0, "mail.example.com"),
            "version: STSv1\r\nmode: none\r\nmx: mail.example.com\r\nmax_age: 0\r\n"),
        arguments(policy(ENFORCE, 31_557_600, "*.example.com"),
            "version: STSv1\r\nmode: enforce\r\nmx: *.example.com\r\nmax_age: 31557600\r\n"),
        arguments(policy(ENFORCE, 604800, "MX1.Example.COM", "xn--bcher-kva.example"),
            "version: STSv1\r\nmode: enforce\r\nmx: MX1.Example.COM\r\n"
                + "mx: xn--bcher-kva.example\r\nmax_age: 604800\r\n"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("policies")
  void rendersTheCanonicalForm(Policy policy, String canonical) {
    assertThat(policy.render()).isEqualTo(canonical);
    assertThat(policy.renderBytes()).isEqualTo(canonical.getBytes(StandardCharsets.US_ASCII));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("policies")
  void renderParseRenderIsByteStable(Policy policy, String canonical) {
    byte[] rendered = policy.renderBytes();

    ParseResult<Policy> parsed = PolicyParser.parse(rendered);

    assertThat(parsed.warnings()).isEmpty();
    assertThat(parsed.get()).isEqualTo(policy);
    assertThat(parsed.get().renderBytes()).isEqualTo(rendered);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("policies")
  void canonicalInputRendersToTheSameBytes(Policy policy, String canonical) {
    byte[] input = canonical.getBytes(StandardCharsets.US_ASCII);

    assertThat(PolicyParser.parse(input).get().renderBytes()).isEqualTo(input);
  }

  static Stream<Arguments> nonCanonicalInputs() {
    String canonical = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
        + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n";
    return Stream.of(
        arguments("LF line ends", RFC_8461_EXAMPLE, canonical),
        arguments("no final line end", RFC_8461_EXAMPLE.stripTrailing(), canonical),
        arguments("fields out of order",
            "max_age: 604800\nmx: mail.example.com\nmode: enforce\nmx: *.example.net\n"
                + "version: STSv1\nmx: backupmx.example.com\n", canonical),
        arguments("extensions, odd spacing and a trailing blank line",
            "version:STSv1\nnote: hi\nmode:\tenforce  \nmx: mail.example.com\n"
                + "mx: *.example.net\nmx: backupmx.example.com\nmax_age: 604800\n\n", canonical),
        arguments("a repeated key",
            "version: STSv1\r\nmode: testing\r\nmode: enforce\r\nmx: mx.example.com\r\n"
                + "max_age: 60\r\n",
            "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\nmax_age: 60\r\n"),
        arguments("max_age with leading zeros",
            "version: STSv1\nmode: none\nmax_age: 0000000060\n",
            "version: STSv1\r\nmode: none\r\nmax_age: 60\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonCanonicalInputs")
  void anyValidInputRendersCanonically(String name, String input, String canonical) {
    Policy parsed = PolicyParser.parse(input).get();

    assertThat(parsed.render()).isEqualTo(canonical);
    assertThat(parsed.id()).isEqualTo(PolicyId.of(canonical.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void refusesValuesThatCannotBeRendered() {
    List<MxPattern> mx = List.of(MxPattern.parse("mail.example.com").get());

    assertThatThrownBy(() -> new Policy(ENFORCE, mx, 31_557_601))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max_age 31557601 is outside 0..31557600");
    assertThatThrownBy(() -> new Policy(ENFORCE, mx, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Policy(TESTING, List.of(), 60))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one mx pattern is required unless mode is none");
    assertThatThrownBy(() -> new Policy(null, mx, 60)).isInstanceOf(NullPointerException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // the TXT records

  @ParameterizedTest(name = "id={0}")
  @ValueSource(strings = {"a", "20160831085700Z", "abcdefghijklmnopqrstuvwxyz234567",
      "ABCxyz0123456789"})
  void stsRecordRendersWithoutSpaceBeforeSemicolonAndParsesBackStrictly(String id) {
    StsRecord record = new StsRecord(id);

    assertThat(record.render()).isEqualTo("v=STSv1; id=" + id);
    ParseResult<StsRecord> parsed = StsRecordParser.parse(record.render());
    assertThat(parsed.warnings()).isEmpty();
    assertThat(parsed.get()).isEqualTo(record);
    assertThat(StsRecordParser.select(List.of(List.of(record.render()))).get()).isEqualTo(record);
  }

  @ParameterizedTest(name = "id=[{0}]")
  @ValueSource(strings = {"", "a-b", "a_b", "a.b", "a:b", "a*", "a b", "é",
      "abcdefghijklmnopqrstuvwxyz0123456"})
  void stsRecordRefusesIdsOutsideTheGrammar(String id) {
    assertThatThrownBy(() -> new StsRecord(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id must be 1 to 32 letters or digits: " + id);
  }

  static Stream<Arguments> tlsRptRecords() {
    return Stream.of(
        arguments(List.of("mailto:tlsrpt@example.com"),
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"),
        arguments(List.of("https://reporting.example.com/v1/tlsrpt"),
            "v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt"),
        arguments(List.of("mailto:a@example.com", "https://r.example.com/x", "mailto:b%21@x.org"),
            "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x,mailto:b%21@x.org"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("tlsRptRecords")
  void tlsRptRecordRendersOneRuaListAndParsesBackStrictly(List<String> rua, String text) {
    TlsRptRecord record = new TlsRptRecord(rua);

    assertThat(record.render()).isEqualTo(text);
    ParseResult<TlsRptRecord> parsed = TlsRptRecordParser.parse(record.render());
    assertThat(parsed.warnings()).isEmpty();
    assertThat(parsed.get()).isEqualTo(record);
  }

  @ParameterizedTest(name = "rua=[{0}]")
  @ValueSource(strings = {"http://r.example.com/", "mailto:a!b@example.com",
      "mailto:a@example.com,mailto:b@example.com", "https://r.example.com/a;b", " mailto:a@x.org",
      "mailto:nobody", ""})
  void tlsRptRecordRefusesUrisItCouldNotPublish(String uri) {
    assertThatThrownBy(() -> new TlsRptRecord(List.of(uri)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(TlsRptRecordParser.uriProblem(uri));
  }

  @Test
  void tlsRptRecordNeedsAtLeastOneUri() {
    assertThatThrownBy(() -> new TlsRptRecord(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one rua URI is required");
  }

  @Test
  void recordsLiveAtTheirDnsNames() {
    assertThat(StsRecord.dnsName("example.com")).isEqualTo("_mta-sts.example.com");
    assertThat(TlsRptRecord.dnsName("example.com")).isEqualTo("_smtp._tls.example.com");
  }

  @Test
  void stringsOfOneTxtRecordJoinWithoutSeparator() {
    assertThat(TxtRrset.join(List.of("v=STSv1; ", "id=abc", "def"))).isEqualTo(
        "v=STSv1; id=abcdef");
    assertThat(TxtRrset.join(List.of())).isEmpty();
  }
}
