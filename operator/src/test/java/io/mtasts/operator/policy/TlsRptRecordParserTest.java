package io.mtasts.operator.policy;

import static io.mtasts.operator.policy.PolicyParserTest.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code _smtp._tls} TLS-RPT record of RFC 8460 section 3: where senders send reports, and
 * the choice of the one record among all TXT records at the name.
 */
class TlsRptRecordParserTest {

  static final String MAILTO = "mailto:reports@example.com";
  static final String HTTPS = "https://reporting.example.com/v1/tlsrpt";
  static final String DUPLICATE_RUA = "field rua: appears more than once; senders disagree on"
      + " whether to use the first or all; publish one rua= with a comma-separated list";
  static final String RUA_REQUIRED = "field rua: is required: v=TLSRPTv1;"
      + " rua=mailto:reports@example.com";

  static Stream<Arguments> validRecords() {
    return Stream.of(
        // RFC 8460 section 3's two examples, the second joined from its presentation form
        valid("v=TLSRPTv1;rua=mailto:reports@example.com", List.of(MAILTO)),
        valid("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt", List.of(HTTPS)),
        valid("v=TLSRPTv1; rua=" + MAILTO + "," + HTTPS, List.of(MAILTO, HTTPS)),
        valid("v=TLSRPTv1; rua=" + MAILTO + " , " + HTTPS, List.of(MAILTO, HTTPS)),
        valid("v=TLSRPTv1; rua=" + MAILTO + "\t,\t" + HTTPS + ";", List.of(MAILTO, HTTPS)),
        valid("v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.net,mailto:c@example.org",
            List.of("mailto:a@example.com", "mailto:b@example.net", "mailto:c@example.org")),
        valid("v=TLSRPTv1; rua=mailto:tls%21rpt@example.com",
            List.of("mailto:tls%21rpt@example.com")),
        valid("v=TLSRPTv1; rua=mailto:tls%2Crpt%3B@example.com",
            List.of("mailto:tls%2Crpt%3B@example.com")),
        valid("v=TLSRPTv1; rua=MAILTO:reports@example.com",
            List.of("MAILTO:reports@example.com")),
        valid("v=TLSRPTv1; rua=https://reporting.example.com:8443/tlsrpt?x=1",
            List.of("https://reporting.example.com:8443/tlsrpt?x=1")),
        valid("v=TLSRPTv1; rua=" + MAILTO + ";", List.of(MAILTO)),
        valid("v=TLSRPTv1 ;rua=" + MAILTO, List.of(MAILTO),
            "whitespace before the first ';' : senders that require the record to begin with"
                + " exactly 'v=TLSRPTv1;' discard it; write 'v=TLSRPTv1; ...'"),
        valid("v=TLSRPTv1; rua=" + MAILTO + " ", List.of(MAILTO),
            "trailing whitespace after the last field is outside the grammar; some senders"
                + " reject the record; remove it"),
        valid("v=TLSRPTv1; rua=" + MAILTO + "; ext=value", List.of(MAILTO)),
        valid("v=TLSRPTv1; ext.1=v!; rua=" + MAILTO, List.of(MAILTO)),
        valid("v=TLSRPTv1; rua=" + MAILTO + "; rua=" + HTTPS, List.of(MAILTO), DUPLICATE_RUA),
        valid("v=TLSRPTv1; rua=" + MAILTO + "; rua=" + MAILTO, List.of(MAILTO), DUPLICATE_RUA),
        valid("v=TLSRPTv1; RUA=" + HTTPS + "; rua=" + MAILTO, List.of(MAILTO),
            "field RUA: is not 'rua' (field names are case-sensitive); it is ignored as an"
                + " unknown extension"));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("validRecords")
  void acceptsValidRecords(String text, List<String> rua, List<String> warnings) {
    ParseResult<TlsRptRecord> result = TlsRptRecordParser.parse(text);

    assertThat(messages(result.errors())).isEmpty();
    assertThat(result.get().rua()).containsExactlyElementsOf(rua);
    assertThat(messages(result.warnings())).containsExactlyElementsOf(warnings);
  }

  static Stream<Arguments> invalidRecords() {
    return Stream.of(
        invalid("v=tlsrptv1; rua=" + MAILTO, beginWith("v=tlsrptv1")),
        invalid("v=TLSRPTV1; rua=" + MAILTO, beginWith("v=TLSRPTV1")),
        invalid("v=TLSRPTv10; rua=" + MAILTO, beginWith("v=TLSRPTv10")),
        invalid("v=TLSRPTv2; rua=" + MAILTO, beginWith("v=TLSRPTv2")),
        invalid("v=STSv1; rua=" + MAILTO, beginWith("v=STSv1")),
        invalid("v=TLSRPTv1", RUA_REQUIRED),
        invalid("v=TLSRPTv1; ext=1", RUA_REQUIRED),
        invalid("v=TLSRPTv1; rua=", rua("empty URI in the list")),
        invalid("v=TLSRPTv1; rua=http://reporting.example.com/", rua(
            "URI 'http://reporting.example.com/' must use the mailto: or https: scheme")),
        invalid("v=TLSRPTv1; rua=ftp://reporting.example.com/", rua(
            "URI 'ftp://reporting.example.com/' must use the mailto: or https: scheme")),
        invalid("v=TLSRPTv1; rua=reports@example.com", rua(
            "URI 'reports@example.com' must use the mailto: or https: scheme")),
        invalid("v=TLSRPTv1; rua=mailto:tls!rpt@example.com", rua(
            "URI 'mailto:tls!rpt@example.com' contains '!', which must be percent-encoded as"
                + " %21")),
        invalid("v=TLSRPTv1; rua=" + MAILTO + ",," + HTTPS, rua("empty URI in the list")),
        invalid("v=TLSRPTv1; rua=" + MAILTO + ",", rua("empty URI in the list")),
        invalid("v=TLSRPTv1; rua=" + MAILTO + ", ,", rua("empty URI in the list"),
            rua("empty URI in the list")),
        invalid("v=TLSRPTv1; rua=mailto:reports", rua(
            "URI 'mailto:reports' must be mailto:<local-part>@<domain>")),
        invalid("v=TLSRPTv1; rua=mailto:@example.com", rua(
            "URI 'mailto:@example.com' must be mailto:<local-part>@<domain>")),
        invalid("v=TLSRPTv1; rua=mailto:reports@", rua(
            "URI 'mailto:reports@' must be mailto:<local-part>@<domain>")),
        invalid("v=TLSRPTv1; rua=https:///tlsrpt", rua(
            "URI 'https:///tlsrpt' must name a host: https://<host>/<path>")),
        invalid("v=TLSRPTv1; rua=https:reporting.example.com", rua(
            "URI 'https:reporting.example.com' must name a host: https://<host>/<path>")),
        invalid("v=TLSRPTv1; rua=mailto:tls rpt@example.com", rua(
            "URI 'mailto:tls rpt@example.com' contains spaces or non-ASCII characters")),
        invalid("v=TLSRPTv1; rua=https://[::1/", rua(
            "URI 'https://[::1/' is malformed: Expected closing bracket for IPv6 address")),
        invalid("v=TLSRPTv1; rua=mailto:reports@example.com%", rua(
            "URI 'mailto:reports@example.com%' is malformed: Malformed escape pair")),
        invalid("v=TLSRPTv1; rua=http://a.example/," + MAILTO + ",mailto:x!@example.com",
            rua("URI 'http://a.example/' must use the mailto: or https: scheme"),
            rua("URI 'mailto:x!@example.com' contains '!', which must be percent-encoded as"
                + " %21")),
        invalid("v=TLSRPTv1;; rua=" + MAILTO, "empty field (';;') after field 0 is not allowed"),
        invalid("v=TLSRPTv1; rua=" + MAILTO + "; _x=1", "field _x: is not a valid field name (a"
            + " letter or digit, then up to 31 letters, digits, '_', '-' or '.', and no spaces"
            + " around '=')"),
        invalid("v=TLSRPTv1; rua=" + MAILTO + "; x=a b", "field x: value 'a b' must be one or"
            + " more printable characters other than '=', ';' and space"),
        invalid("v=TLSRPTv1 rua=" + MAILTO, "fields must be separated from 'v=TLSRPTv1' by ';'"),
        invalid("v=TLSRPTv1; rua=mailto:répondre@example.com", "character U+00E9 at position 25"
            + " is not allowed; records are printable ASCII"));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("invalidRecords")
  void rejectsInvalidRecords(String text, List<String> errors) {
    ParseResult<TlsRptRecord> result = TlsRptRecordParser.parse(text);

    assertThat(result.isValid()).isFalse();
    assertThat(messages(result.errors())).containsExactlyElementsOf(errors);
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("uriProblems")
  void checksOneUriAsGiven(String uri, String problem) {
    assertThat(TlsRptRecordParser.uriProblem(uri)).isEqualTo(problem);
  }

  static Stream<Arguments> uriProblems() {
    return Stream.of(
        arguments(MAILTO, null),
        arguments(HTTPS, null),
        arguments("mailto:a,b@example.com",
            "URI 'mailto:a,b@example.com' contains ',', which must be percent-encoded as %2C"),
        arguments("https://r.example.com/a;b",
            "URI 'https://r.example.com/a;b' contains ';', which must be percent-encoded as %3B"),
        arguments("mailto:a\n@example.com",
            "URI 'mailto:a\\u000A@example.com' contains spaces or non-ASCII characters"));
  }

  // ---------------------------------------------------------------------------------------------
  // choosing the record among the TXT records at _smtp._tls.<domain>

  static Stream<Arguments> rrsets() {
    String twoRecords = "2 TXT records begin with 'v=TLSRPTv1;'; exactly one is allowed, so"
        + " senders see no usable record; delete all but one";
    return Stream.of(
        selects("one record", List.of(List.of("v=TLSRPTv1; rua=" + MAILTO)), MAILTO),
        selects("an unrelated record beside a valid one",
            List.of(List.of("v=spf1 -all"), List.of("v=TLSRPTv1; rua=" + MAILTO)), MAILTO),
        selects("two strings joined without a separator",
            List.of(List.of("v=TLSRPTv1; rua=mailto:reports@exa", "mple.com")), MAILTO),
        selects("a record with whitespace before ';' beside an exact one",
            List.of(List.of("v=TLSRPTv1; rua=" + MAILTO),
                List.of("v=TLSRPTv1 ; rua=" + HTTPS)),
            MAILTO,
            "another record 'v=TLSRPTv1 ; rua=https://reporting.example.com/v1/tlsrpt' does not"
                + " begin with exactly 'v=TLSRPTv1;': strict senders discard it, others count"
                + " two records and use none; delete it"),
        rejects("two records",
            List.of(List.of("v=TLSRPTv1; rua=" + MAILTO), List.of("v=TLSRPTv1; rua=" + HTTPS)),
            twoRecords),
        rejects("two identical records",
            List.of(List.of("v=TLSRPTv1; rua=" + MAILTO), List.of("v=TLSRPTv1; rua=" + MAILTO)),
            twoRecords),
        rejects("no TXT record", List.of(), "no TXT record found"),
        rejects("only an MTA-STS record", List.of(List.of("v=STSv1; id=abc")),
            "no TXT record begins with 'v=TLSRPTv1;' (found 1 other record, first:"
                + " 'v=STSv1; id=abc')"),
        rejects("the one record is invalid",
            List.of(List.of("v=TLSRPTv1; rua=http://reporting.example.com/")),
            rua("URI 'http://reporting.example.com/' must use the mailto: or https: scheme")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rrsets")
  void selectsTheOneRecord(String name, List<List<String>> rrset, String rua,
      List<String> errors, List<String> warnings) {
    ParseResult<TlsRptRecord> result = TlsRptRecordParser.select(rrset);

    assertThat(messages(result.errors())).containsExactlyElementsOf(errors);
    assertThat(result.value().map(r -> r.rua().get(0))).isEqualTo(Optional.ofNullable(rua));
    assertThat(messages(result.warnings())).containsExactlyElementsOf(warnings);
  }

  // ---------------------------------------------------------------------------------------------

  static Arguments valid(String text, List<String> rua, String... warnings) {
    return arguments(text, rua, List.of(warnings));
  }

  static Arguments invalid(String text, String... errors) {
    return arguments(text, List.of(errors));
  }

  static Arguments selects(String name, List<List<String>> rrset, String firstRua,
      String... warnings) {
    return arguments(name, rrset, firstRua, List.of(), List.of(warnings));
  }

  static Arguments rejects(String name, List<List<String>> rrset, String error) {
    return arguments(name, rrset, null, List.of(error), List.of());
  }

  static String beginWith(String found) {
    return "record must begin with 'v=TLSRPTv1' (case-sensitive); found '" + found + "'";
  }

  static String rua(String problem) {
    return "field rua: " + problem;
  }
}
