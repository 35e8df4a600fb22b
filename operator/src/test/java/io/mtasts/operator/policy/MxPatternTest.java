package io.mtasts.operator.policy;

import static io.mtasts.operator.policy.PolicyParserTest.NAME_253;
import static io.mtasts.operator.policy.PolicyParserTest.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** mx patterns of RFC 8461 section 3.2 and the MX host matching of section 4.1. */
class MxPatternTest {

  static final String LABEL_63 = "l".repeat(63);

  static Stream<Arguments> validPatterns() {
    return Stream.of(
        arguments("mail.example.com", false),
        arguments("MAIL.Example.COM", false),
        arguments("*.example.com", true),
        arguments("*.com", true),
        arguments("localhost", false),
        arguments("mx-1.example.com", false),
        arguments("a--b.example", false),
        arguments("xn--bcher-kva.example", false),
        arguments("*.xn--bcher-kva.example", true),
        arguments("123.example", false),
        arguments("mail.example.123", false),
        arguments("a.b.c.d.e.f.g.example", false),
        arguments(LABEL_63 + ".example.com", false),
        arguments(NAME_253, false),
        arguments("*." + NAME_253.substring(2), true));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("validPatterns")
  void acceptsValidPatterns(String text, boolean wildcard) {
    ParseResult<MxPattern> result = MxPattern.parse(text);

    assertThat(messages(result.errors())).isEmpty();
    assertThat(result.warnings()).isEmpty();
    assertThat(result.get().value()).isEqualTo(text);
    assertThat(result.get().isWildcard()).isEqualTo(wildcard);
  }

  static Stream<Arguments> invalidPatterns() {
    String wildcardRule = "'*' is only allowed as the whole left-most label, as in"
        + " '*.example.com'";
    String emptyLabel = "empty label (two dots in a row, or a leading dot)";
    return Stream.of(
        arguments("", "mx pattern must not be empty"),
        arguments("mail.example.com.",
            "mx pattern 'mail.example.com.' must not end with '.'; write 'mail.example.com'"),
        arguments("*.example.com.",
            "mx pattern '*.example.com.' must not end with '.'; write '*.example.com'"),
        arguments("mail.example.com..",
            "mx pattern 'mail.example.com..' must not end with '.'; write 'mail.example.com'"),
        arguments("*.*.example.com", "mx pattern '*.*.example.com': " + wildcardRule),
        arguments("**.example.com", "mx pattern '**.example.com': " + wildcardRule),
        arguments("mail-*.example.com", "mx pattern 'mail-*.example.com': " + wildcardRule),
        arguments("*mail.example.com", "mx pattern '*mail.example.com': " + wildcardRule),
        arguments("x.*.com", "mx pattern 'x.*.com': " + wildcardRule),
        arguments("example.*", "mx pattern 'example.*': " + wildcardRule),
        arguments("*", "mx pattern '*': " + wildcardRule),
        arguments("*.", "mx pattern '*.': a domain must follow '*.', as in '*.example.com'"),
        arguments(".", "mx pattern '.': " + emptyLabel),
        arguments(".example.com", "mx pattern '.example.com': " + emptyLabel),
        arguments("mail..example.com", "mx pattern 'mail..example.com': " + emptyLabel),
        arguments("-mail.example.com",
            "mx pattern '-mail.example.com': label '-mail' must not start or end with '-'"),
        arguments("mail-.example.com",
            "mx pattern 'mail-.example.com': label 'mail-' must not start or end with '-'"),
        arguments("mail.example.-com",
            "mx pattern 'mail.example.-com': label '-com' must not start or end with '-'"),
        arguments("mail_1.example.com",
            "mx pattern 'mail_1.example.com': label 'mail_1' may contain only letters, digits"
                + " and '-'"),
        arguments("mail example.com",
            "mx pattern 'mail example.com': label 'mail example' may contain only letters,"
                + " digits and '-'"),
        arguments("mail\n.example.com",
            "mx pattern 'mail\\u000A.example.com': label 'mail\\u000A' may contain only letters,"
                + " digits and '-'"),
        arguments("mail.example.com:25",
            "mx pattern 'mail.example.com:25': label 'com:25' may contain only letters, digits"
                + " and '-'"),
        arguments(LABEL_63 + "l.example.com",
            "mx pattern '" + LABEL_63 + "l.example.com': label '" + LABEL_63
                + "l' is longer than 63 characters"),
        arguments(NAME_253 + "d",
            "mx pattern '" + NAME_253 + "d' is 254 characters long; a domain name has at most"
                + " 253"),
        arguments("*." + NAME_253.substring(1),
            "mx pattern '*." + NAME_253.substring(1) + "' is 254 characters long; every host it"
                + " matches would be longer than the 253 characters a domain name may have"),
        arguments("bücher.example",
            "mx pattern 'bücher.example' contains non-ASCII characters; write it as the A-label"
                + " 'xn--bcher-kva.example'"),
        arguments("*.bücher.example",
            "mx pattern '*.bücher.example' contains non-ASCII characters; write it as the"
                + " A-label '*.xn--bcher-kva.example'"),
        arguments("MÜNCHEN.example",
            "mx pattern 'MÜNCHEN.example' contains non-ASCII characters; write it as the A-label"
                + " 'xn--mnchen-3ya.example'"),
        arguments("bücher.example.",
            "mx pattern 'bücher.example.' contains non-ASCII characters; write it as the A-label"
                + " 'xn--bcher-kva.example'"),
        arguments("bü_cher.example",
            "mx pattern 'bü_cher.example' contains non-ASCII characters and is not a valid"
                + " internationalized domain name"),
        arguments("é".repeat(300),
            "mx pattern '" + "é".repeat(77) + "...' contains non-ASCII characters and is longer"
                + " than a domain name can be"));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("invalidPatterns")
  void rejectsInvalidPatterns(String text, String error) {
    assertThat(messages(MxPattern.parse(text).errors())).containsExactly(error);
  }

  @Test
  void rejectsNull() {
    assertThat(messages(MxPattern.parse(null).errors()))
        .containsExactly("mx pattern must not be empty");
  }

  @Test
  void warnsAboutPatternsThatLookLikeAddresses() {
    ParseResult<MxPattern> result = MxPattern.parse("192.0.2.25");

    assertThat(result.isValid()).isTrue();
    assertThat(messages(result.warnings())).containsExactly("mx pattern '192.0.2.25' looks like"
        + " an IP address; mx patterns match host names, never addresses");
  }

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      # pattern             | MX host                    | matches
      mail.example.com      | mail.example.com           | true
      mail.example.com      | MAIL.EXAMPLE.COM           | true
      MAIL.Example.COM      | mail.example.com           | true
      mail.example.com      | mail.example.com.          | true
      mail.example.com      | mail.example.com..         | false
      mail.example.com      | example.com                | false
      mail.example.com      | xmail.example.com          | false
      mail.example.com      | mail.example.com.evil.org  | false
      mail.example.com      | a.mail.example.com         | false
      mail.example.com      | ' mail.example.com'        | false
      *.example.com         | mail.example.com           | true
      *.example.com         | MX1.Example.Com.           | true
      *.example.com         | x.example.com              | true
      *.example.com         | example.com                | false
      *.example.com         | example.com.               | false
      *.example.com         | a.b.example.com            | false
      *.example.com         | .example.com               | false
      *.example.com         | mailexample.com            | false
      *.example.com         | mail.notexample.com        | false
      *.example.com         | mail.example.com.au        | false
      *.example.com         | mail.example.org           | false
      *.com                 | example.com                | true
      *.com                 | mail.example.com           | false
      xn--bcher-kva.example | xn--bcher-kva.example      | true
      xn--bcher-kva.example | bücher.example             | true
      xn--bcher-kva.example | BÜCHER.example.            | true
      xn--bcher-kva.example | bucher.example             | false
      *.example.com         | bücher.example.com         | true
      *.example.com         | xn--bcher-kva.example.com  | true
      *.xn--bcher-kva.example | mail.bücher.example      | true
      *.xn--bcher-kva.example | mail.xn--bcher-kva.example | true
      mail.example.com      | ''                         | false
      mail.example.com      | .                          | false
      """)
  void matchesHostsAsRfc8461Section4(String pattern, String host, boolean matches) {
    assertThat(MxPattern.parse(pattern).get().matches(host)).isEqualTo(matches);
  }

  @Test
  void matchesNoMissingOrOverlongHost() {
    MxPattern wildcard = MxPattern.parse("*.example.com").get();

    assertThat(wildcard.matches(null)).isFalse();
    assertThat(wildcard.matches("a".repeat(250) + ".example.com")).isFalse();
  }

  @Test
  void policyCoversAHostWhenAnyPatternMatches() {
    Policy policy = PolicyParserTest.RFC_8461_EXAMPLE_POLICY;

    assertThat(List.of("mail.example.com", "backupmx.example.com.", "mx7.example.net"))
        .allMatch(policy::covers);
    assertThat(List.of("example.net", "a.b.example.net", "mx.example.org", "example.com"))
        .noneMatch(policy::covers);
  }

  @Test
  void patternsAreEqualWhenWrittenAlike() {
    assertThat(MxPattern.parse("mail.example.com").get())
        .isEqualTo(MxPattern.parse("mail.example.com").get())
        .hasSameHashCodeAs(MxPattern.parse("mail.example.com").get())
        .isNotEqualTo(MxPattern.parse("MAIL.example.com").get())
        .hasToString("mail.example.com");
  }
}
