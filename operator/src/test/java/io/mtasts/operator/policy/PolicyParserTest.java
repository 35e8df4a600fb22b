package io.mtasts.operator.policy;

import static io.mtasts.operator.policy.Mode.ENFORCE;
import static io.mtasts.operator.policy.Mode.NONE;
import static io.mtasts.operator.policy.Mode.TESTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy file of RFC 8461 section 3.2 as a sender reads it: which bodies are valid, what
 * value they carry, and the exact error or warning a user sees, naming the line it is about.
 *
 * <p>Every text case is written with LF line ends and runs twice, as written and with CRLF:
 * both are line ends (erratum 6253), so the outcome and the line numbers must not change.
 */
class PolicyParserTest {

  static final String RFC_8461_EXAMPLE = lines(
      "version: STSv1",
      "mode: enforce",
      "mx: mail.example.com",
      "mx: *.example.net",
      "mx: backupmx.example.com",
      "max_age: 604800");

  static final Policy RFC_8461_EXAMPLE_POLICY =
      policy(ENFORCE, 604800, "mail.example.com", "*.example.net", "backupmx.example.com");

  static final String NAME_253 = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63)
      + "." + "d".repeat(61);

  // ---------------------------------------------------------------------------------------------
  // valid policies

  static Stream<Arguments> validPolicies() {
    return inBothLineEnds(
        valid("RFC 8461's example policy", RFC_8461_EXAMPLE, RFC_8461_EXAMPLE_POLICY),
        valid("no line end after the last line",
            RFC_8461_EXAMPLE.substring(0, RFC_8461_EXAMPLE.length() - 1),
            RFC_8461_EXAMPLE_POLICY),
        valid("mode testing",
            lines("version: STSv1", "mode: testing", "mx: mail.example.com", "max_age: 86400"),
            policy(TESTING, 86400, "mail.example.com")),
        valid("mode none needs no mx",
            lines("version: STSv1", "mode: none", "max_age: 86400"),
            policy(NONE, 86400)),
        valid("mode none may still list mx",
            lines("version: STSv1", "mode: none", "mx: mail.example.com", "max_age: 86400"),
            policy(NONE, 86400, "mail.example.com")),
        valid("fields in any order",
            lines("max_age: 86400", "mx: mail.example.com", "mode: enforce", "version: STSv1"),
            policy(ENFORCE, 86400, "mail.example.com")),
        valid("no whitespace after ':'",
            lines("version:STSv1", "mode:enforce", "mx:mail.example.com", "max_age:86400"),
            policy(ENFORCE, 86400, "mail.example.com")),
        valid("tabs and spaces after ':' and after the value",
            lines("version:\tSTSv1 ", "mode:  enforce\t", "mx: \tmail.example.com  ",
                "max_age: 86400 \t"),
            policy(ENFORCE, 86400, "mail.example.com")),
        valid("max_age 0",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 0"),
            policy(ENFORCE, 0, "mail.example.com")),
        valid("max_age 31557600, the largest allowed",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 31557600"),
            policy(ENFORCE, 31_557_600, "mail.example.com")),
        valid("max_age of 10 digits with leading zeros",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com",
                "max_age: 0000086400"),
            policy(ENFORCE, 86400, "mail.example.com")),
        valid("unknown extension ignored",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400",
                "foo: bar"),
            policy(ENFORCE, 86400, "mail.example.com")),
        valid("UTF-8 in an extension value",
            lines("version: STSv1", "comment: Grüße aus Köln ✉ 日本", "mode: enforce",
                "mx: mail.example.com", "max_age: 86400"),
            policy(ENFORCE, 86400, "mail.example.com")),
        valid("extension value with '=', ';' and inner spaces",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400",
                "note: a=b; c d"),
            policy(ENFORCE, 86400, "mail.example.com")),
        valid("extension name starting with a digit, with '-', '.' and '_'",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400",
                "1x-ext.v_2: value"),
            policy(ENFORCE, 86400, "mail.example.com")),
        valid("extension name of 32 characters",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400",
                "x" + "1".repeat(31) + ": value"),
            policy(ENFORCE, 86400, "mail.example.com")),
        valid("'Mode: testing' is an unknown key; the real mode line decides",
            lines("version: STSv1", "Mode: testing", "mode: enforce", "mx: mail.example.com",
                "max_age: 86400"),
            policy(ENFORCE, 86400, "mail.example.com"))
            .warns("line 2: key 'Mode' is not 'mode' (keys are case-sensitive); it is ignored as"
                + " an unknown extension"),
        valid("'MX:' is an unknown key, its host is not allowed",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com",
                "MX: evil.example.org", "max_age: 86400"),
            policy(ENFORCE, 86400, "mail.example.com"))
            .warns("line 4: key 'MX' is not 'mx' (keys are case-sensitive); it is ignored as an"
                + " unknown extension"),
        valid("'Max_Age:' is an unknown key",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400",
                "Max_Age: 5"),
            policy(ENFORCE, 86400, "mail.example.com"))
            .warns("line 5: key 'Max_Age' is not 'max_age' (keys are case-sensitive); it is"
                + " ignored as an unknown extension"),
        valid("repeated mode: the first wins",
            lines("version: STSv1", "mode: testing", "mx: mail.example.com", "mode: enforce",
                "max_age: 86400"),
            policy(TESTING, 86400, "mail.example.com"))
            .warns("line 4: repeated key 'mode' is ignored; the value on line 2 is used"),
        valid("repeated max_age: the first wins, the second is not even read",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400",
                "max_age: 99999999999"),
            policy(ENFORCE, 86400, "mail.example.com"))
            .warns("line 5: repeated key 'max_age' is ignored; the value on line 4 is used"),
        valid("repeated version",
            lines("version: STSv1", "version: STSv1", "mode: enforce", "mx: mail.example.com",
                "max_age: 86400"),
            policy(ENFORCE, 86400, "mail.example.com"))
            .warns("line 2: repeated key 'version' is ignored; the value on line 1 is used"),
        valid("repeated mx pattern",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com",
                "mx: mail.example.com", "max_age: 86400"),
            policy(ENFORCE, 86400, "mail.example.com", "mail.example.com"))
            .warns("line 4: mx pattern 'mail.example.com' repeats line 3"),
        valid("repeated mx pattern in other case",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com",
                "mx: MAIL.Example.com", "max_age: 86400"),
            policy(ENFORCE, 86400, "mail.example.com", "MAIL.Example.com"))
            .warns("line 4: mx pattern 'MAIL.Example.com' repeats line 3"),
        valid("trailing blank line",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400",
                ""),
            policy(ENFORCE, 86400, "mail.example.com"))
            .warns(trailingBlank(5)),
        valid("two trailing blank lines",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400",
                "", ""),
            policy(ENFORCE, 86400, "mail.example.com"))
            .warns(trailingBlank(5), trailingBlank(6)),
        valid("trailing line of spaces and a tab",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400",
                "  \t"),
            policy(ENFORCE, 86400, "mail.example.com"))
            .warns(trailingBlank(5)),
        valid("mx kept as written, upper case included",
            lines("version: STSv1", "mode: enforce", "mx: MAIL.Example.COM", "max_age: 86400"),
            policy(ENFORCE, 86400, "MAIL.Example.COM")),
        valid("mx as an A-label",
            lines("version: STSv1", "mode: enforce", "mx: xn--bcher-kva.example",
                "max_age: 86400"),
            policy(ENFORCE, 86400, "xn--bcher-kva.example")),
        valid("mx that looks like an IPv4 address",
            lines("version: STSv1", "mode: enforce", "mx: 192.0.2.1", "max_age: 86400"),
            policy(ENFORCE, 86400, "192.0.2.1"))
            .warns("line 3: mx pattern '192.0.2.1' looks like an IP address; mx patterns match"
                + " host names, never addresses"),
        valid("mx of 253 characters",
            lines("version: STSv1", "mode: enforce", "mx: " + NAME_253, "max_age: 86400"),
            policy(ENFORCE, 86400, NAME_253)),
        valid("only a wildcard mx",
            lines("version: STSv1", "mode: enforce", "mx: *.example.com", "max_age: 86400"),
            policy(ENFORCE, 86400, "*.example.com")),
        valid("mx order is kept",
            lines("version: STSv1", "mode: enforce", "mx: mx3.example.com", "mx: mx1.example.com",
                "mx: mx2.example.com", "max_age: 86400"),
            policy(ENFORCE, 86400, "mx3.example.com", "mx1.example.com", "mx2.example.com")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validPolicies")
  void acceptsValidPolicies(String name, String text, Case expected) {
    ParseResult<Policy> result = PolicyParser.parse(text);

    assertThat(messages(result.errors())).isEmpty();
    assertThat(result.get()).isEqualTo(expected.policy());
    assertThat(messages(result.warnings())).containsExactlyElementsOf(expected.warnings());
  }

  // ---------------------------------------------------------------------------------------------
  // invalid policies

  static Stream<Arguments> invalidPolicies() {
    return inBothLineEnds(
        invalid("a byte order mark is named, not shown as an invisible part of the key",
            "\uFEFF" + lines("version: STSv1", "mode: enforce", "mx: mail.example.com",
                "max_age: 86400"),
            "line 1: the file starts with a byte order mark (U+FEFF), which is not allowed;"
                + " save it as UTF-8 without a byte order mark"),
        invalid("'max-age' is one character away from 'max_age' and says so",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com", "max-age: 86400"),
            "missing 'max_age:' line (seconds, at most 31557600); line 4 has 'max-age':"
                + " did you mean 'max_age'?")
            .warns("line 4: key 'max-age' is not 'max_age' (one character differs); it is"
                + " ignored as an unknown extension"),
        invalid("'mod' is one character away from 'mode'",
            lines("version: STSv1", "mod: enforce", "mx: mail.example.com", "max_age: 86400"),
            "missing 'mode:' line (one of enforce, testing, none); line 2 has 'mod':"
                + " did you mean 'mode'?")
            .warns("line 2: key 'mod' is not 'mode' (one character differs); it is"
                + " ignored as an unknown extension"),
        invalid("mode values are case-sensitive",
            lines("version: STSv1", "mx: mail.example.com", "mode: Enforce", "max_age: 86400"),
            "line 3: mode value 'Enforce' must be one of enforce, testing, none"
                + " (case-sensitive)"),
        invalid("mode ENFORCE", withLine(2, "mode: ENFORCE"),
            "line 2: mode value 'ENFORCE' must be one of enforce, testing, none (case-sensitive)"),
        invalid("mode enforced", withLine(2, "mode: enforced"),
            "line 2: mode value 'enforced' must be one of enforce, testing, none"
                + " (case-sensitive)"),
        invalid("mode empty", withLine(2, "mode:"),
            "line 2: mode value '' must be one of enforce, testing, none (case-sensitive)"),
        invalid("two modes on one line", withLine(2, "mode: enforce testing"),
            "line 2: mode value 'enforce testing' must be one of enforce, testing, none"
                + " (case-sensitive)"),
        invalid("version STSv2", withLine(1, "version: STSv2"),
            "line 1: version value 'STSv2' must be STSv1 (case-sensitive)"),
        invalid("version stsv1", withLine(1, "version: stsv1"),
            "line 1: version value 'stsv1' must be STSv1 (case-sensitive)"),
        invalid("version STSv10", withLine(1, "version: STSv10"),
            "line 1: version value 'STSv10' must be STSv1 (case-sensitive)"),
        invalid("version empty", withLine(1, "version:"),
            "line 1: version value '' must be STSv1 (case-sensitive)"),
        invalid("version line missing",
            lines("mode: enforce", "mx: mail.example.com", "max_age: 86400"),
            "missing 'version: STSv1' line"),
        invalid("mode line missing",
            lines("version: STSv1", "mx: mail.example.com", "max_age: 86400"),
            "missing 'mode:' line (one of enforce, testing, none)"),
        invalid("max_age line missing",
            lines("version: STSv1", "mode: enforce", "mx: mail.example.com"),
            "missing 'max_age:' line (seconds, at most 31557600)"),
        invalid("no mx with mode enforce",
            lines("version: STSv1", "mode: enforce", "max_age: 86400"),
            "at least one 'mx:' line is required when mode is enforce"),
        invalid("no mx with mode testing",
            lines("version: STSv1", "mode: testing", "max_age: 86400"),
            "at least one 'mx:' line is required when mode is testing"),
        invalid("only 'Mode: enforce', an unknown key",
            lines("version: STSv1", "Mode: enforce", "mx: mail.example.com", "max_age: 86400"),
            "missing 'mode:' line (one of enforce, testing, none)")
            .warns("line 2: key 'Mode' is not 'mode' (keys are case-sensitive); it is ignored as"
                + " an unknown extension"),
        invalid("max_age 31557601, one second too long", withLine(4, "max_age: 31557601"),
            "line 4: max_age value 31557601 exceeds the maximum 31557600 (one year); strict"
                + " senders reject the whole policy"),
        invalid("max_age of 10 digits above the maximum", withLine(4, "max_age: 9999999999"),
            "line 4: max_age value 9999999999 exceeds the maximum 31557600 (one year); strict"
                + " senders reject the whole policy"),
        invalid("max_age of 11 digits", withLine(4, "max_age: 99999999999"),
            maxAgeDigits("99999999999")),
        invalid("max_age of 11 digits, small value", withLine(4, "max_age: 00000086400"),
            maxAgeDigits("00000086400")),
        invalid("max_age negative", withLine(4, "max_age: -1"), maxAgeDigits("-1")),
        invalid("max_age with a plus sign", withLine(4, "max_age: +86400"),
            maxAgeDigits("+86400")),
        invalid("max_age with a unit", withLine(4, "max_age: 86400s"), maxAgeDigits("86400s")),
        invalid("max_age as a duration", withLine(4, "max_age: 1d"), maxAgeDigits("1d")),
        invalid("max_age with an inner space", withLine(4, "max_age: 86 400"),
            maxAgeDigits("86 400")),
        invalid("max_age in exponent form", withLine(4, "max_age: 1e5"), maxAgeDigits("1e5")),
        invalid("max_age in hex", withLine(4, "max_age: 0x10"), maxAgeDigits("0x10")),
        invalid("max_age empty", withLine(4, "max_age:"), maxAgeDigits("")),
        invalid("max_age in full-width digits", withLine(4, "max_age: ８６４００"),
            "line 4: max_age value '８６４００' contains non-ASCII characters; only extension"
                + " values may",
            "missing 'max_age:' line (seconds, at most 31557600)"),
        invalid("space before the key", withLine(2, " mode: enforce"),
            "line 2: whitespace before the key is not allowed",
            "missing 'mode:' line (one of enforce, testing, none)"),
        invalid("tab before the key", withLine(4, "\tmax_age: 86400"),
            "line 4: whitespace before the key is not allowed",
            "missing 'max_age:' line (seconds, at most 31557600)"),
        invalid("space between key and ':'", withLine(2, "mode : enforce"),
            "line 2: whitespace between key 'mode' and ':' is not allowed",
            "missing 'mode:' line (one of enforce, testing, none)"),
        invalid("tab between key and ':'", withLine(3, "mx\t: mail.example.com"),
            "line 3: whitespace between key 'mx' and ':' is not allowed",
            "at least one 'mx:' line is required when mode is enforce"),
        invalid("blank line inside the policy",
            lines("version: STSv1", "mode: enforce", "", "mx: mail.example.com",
                "max_age: 86400"),
            "line 3: blank lines are not allowed inside a policy"),
        invalid("line of spaces inside the policy",
            lines("version: STSv1", "mode: enforce", "   ", "mx: mail.example.com",
                "max_age: 86400"),
            "line 3: blank lines are not allowed inside a policy"),
        invalid("blank line inside and one at the end",
            lines("version: STSv1", "", "mode: enforce", "mx: mail.example.com",
                "max_age: 86400", ""),
            "line 2: blank lines are not allowed inside a policy")
            .warns(trailingBlank(6)),
        invalid("line without ':'", withLine(2, "mode enforce"),
            "line 2: expected 'key: value', found no ':'",
            "missing 'mode:' line (one of enforce, testing, none)"),
        invalid("NUL in a value", withLine(2, "mode: enforce\0"),
            "line 2: control character U+0000 is not allowed",
            "missing 'mode:' line (one of enforce, testing, none)"),
        invalid("escape character in an extension", withLine(5, "note: \u001b[31mred"),
            "line 5: control character U+001B is not allowed"),
        invalid("DEL in a value", withLine(3, "mx: mail.example.com\u007f"),
            "line 3: control character U+007F is not allowed",
            "at least one 'mx:' line is required when mode is enforce"),
        invalid("last line is a vertical tab, not blank", withLine(5, "\u000b"),
            "line 5: control character U+000B is not allowed"),
        invalid("last line is a form feed, not blank", withLine(5, "\f"),
            "line 5: control character U+000C is not allowed"),
        invalid("last line is an ideographic space, not blank", withLine(5, "\u3000"),
            "line 5: expected 'key: value', found no ':'"),
        invalid("extension name starting with '_'", withLine(5, "_ext: x"),
            badKey(5, "_ext")),
        invalid("extension name starting with '-'", withLine(5, "-ext: x"),
            badKey(5, "-ext")),
        invalid("extension name with '!'", withLine(5, "ext!: x"), badKey(5, "ext!")),
        invalid("extension name of 33 characters", withLine(5, "x" + "1".repeat(32) + ": v"),
            badKey(5, "x" + "1".repeat(32))),
        invalid("extension name with a space", withLine(5, "my ext: x"),
            badKey(5, "my ext")),
        invalid("empty key", withLine(5, ": x"), badKey(5, "")),
        invalid("non-ASCII key", withLine(5, "clé: x"), badKey(5, "clé")),
        invalid("extension without a value", withLine(5, "ext:"),
            "line 5: extension 'ext' has an empty value"),
        invalid("extension with only spaces as value", withLine(5, "ext:   "),
            "line 5: extension 'ext' has an empty value"),
        invalid("UTF-8 in mx: the A-label is named", withLine(3, "mx: bücher.example"),
            "line 3: mx pattern 'bücher.example' contains non-ASCII characters; write it as the"
                + " A-label 'xn--bcher-kva.example'"),
        invalid("UTF-8 in a wildcard mx", withLine(3, "mx: *.bücher.example"),
            "line 3: mx pattern '*.bücher.example' contains non-ASCII characters; write it as"
                + " the A-label '*.xn--bcher-kva.example'"),
        invalid("UTF-8 in mode", withLine(2, "mode: enforcé"),
            "line 2: mode value 'enforcé' contains non-ASCII characters; only extension values"
                + " may",
            "missing 'mode:' line (one of enforce, testing, none)"),
        invalid("UTF-8 in version", withLine(1, "version: STSv１"),
            "line 1: version value 'STSv１' contains non-ASCII characters; only extension values"
                + " may",
            "missing 'version: STSv1' line"),
        invalid("mx with two wildcards", withLine(3, "mx: *.*.example.com"),
            "line 3: mx pattern '*.*.example.com': '*' is only allowed as the whole left-most"
                + " label, as in '*.example.com'"),
        invalid("mx with a trailing dot", withLine(3, "mx: mail.example.com."),
            "line 3: mx pattern 'mail.example.com.' must not end with '.'; write"
                + " 'mail.example.com'"),
        invalid("mx with '_'", withLine(3, "mx: mail_1.example.com"),
            "line 3: mx pattern 'mail_1.example.com': label 'mail_1' may contain only letters,"
                + " digits and '-'"),
        invalid("mx empty", withLine(3, "mx:"), "line 3: mx pattern must not be empty"),
        invalid("mx invalid even when mode is none",
            lines("version: STSv1", "mode: none", "mx: -bad.example.com", "max_age: 86400"),
            "line 3: mx pattern '-bad.example.com': label '-bad' must not start or end with"
                + " '-'"),
        invalid("repeated key whose first value is invalid: the first still wins",
            lines("version: STSv1", "mode: Enforce", "mode: enforce", "mx: mail.example.com",
                "max_age: 86400"),
            "line 2: mode value 'Enforce' must be one of enforce, testing, none"
                + " (case-sensitive)")
            .warns("line 3: repeated key 'mode' is ignored; the value on line 2 is used"),
        invalid("a lone line end",
            "\n",
            "missing 'version: STSv1' line",
            "missing 'mode:' line (one of enforce, testing, none)",
            "missing 'max_age:' line (seconds, at most 31557600)")
            .warns(trailingBlank(1)),
        invalid("every error is reported, in line order",
            lines("version: STSv2", " mode: enforce", "mx: mail..example.com", "max_age: -1"),
            "line 1: version value 'STSv2' must be STSv1 (case-sensitive)",
            "line 2: whitespace before the key is not allowed",
            "line 3: mx pattern 'mail..example.com': empty label (two dots in a row, or a"
                + " leading dot)",
            maxAgeDigits("-1"),
            "missing 'mode:' line (one of enforce, testing, none)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPolicies")
  void rejectsInvalidPolicies(String name, String text, Case expected) {
    ParseResult<Policy> result = PolicyParser.parse(text);

    assertThat(result.isValid()).isFalse();
    assertThat(messages(result.errors())).containsExactlyElementsOf(expected.errors());
    assertThat(messages(result.warnings())).containsExactlyElementsOf(expected.warnings());
  }

  // ---------------------------------------------------------------------------------------------
  // line ends: a bare CR is never one

  static Stream<Arguments> bareCarriageReturns() {
    String bareCr = "bare CR (carriage return not followed by line feed) is not a line end;"
        + " end lines with CRLF or LF";
    return Stream.of(
        arguments("bare CR in the middle of CRLF lines",
            "version: STSv1\r\nmode: enforce\rmx: mail.example.com\r\nmax_age: 86400\r\n",
            List.of("line 2: " + bareCr, "missing 'mode:' line (one of enforce, testing, none)")),
        arguments("bare CR inside a value",
            "version: STSv1\nmode: en\rforce\nmx: mail.example.com\nmax_age: 86400\n",
            List.of("line 2: " + bareCr, "missing 'mode:' line (one of enforce, testing, none)")),
        arguments("bare CR line ends only (classic Mac): one long first line",
            "version: STSv1\rmode: enforce\rmx: mail.example.com\rmax_age: 86400\r",
            List.of("line 1: " + bareCr, "line 1: " + bareCr, "line 1: " + bareCr,
                "line 1: " + bareCr, "missing 'version: STSv1' line",
                "missing 'mode:' line (one of enforce, testing, none)",
                "missing 'max_age:' line (seconds, at most 31557600)")),
        arguments("bare CR after the last line end",
            RFC_8461_EXAMPLE.replace("\n", "\r\n") + "\r",
            List.of("line 7: " + bareCr)),
        arguments("CR CR LF",
            "version: STSv1\r\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 86400\r\n",
            List.of("line 1: " + bareCr, "missing 'version: STSv1' line")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bareCarriageReturns")
  void bareCarriageReturnIsNoLineEnd(String name, String text, List<String> errors) {
    ParseResult<Policy> result = PolicyParser.parse(text);

    assertThat(messages(result.errors())).containsExactlyElementsOf(errors);
    assertThat(result.warnings()).isEmpty();
  }

  @Test
  void mixedLfAndCrlfLineEndsAreBothLineEnds() {
    String text = "version: STSv1\r\nmode: enforce\nmx: mail.example.com\r\nmax_age: 86400\n";

    ParseResult<Policy> result = PolicyParser.parse(text);

    assertThat(result.get()).isEqualTo(policy(ENFORCE, 86400, "mail.example.com"));
    assertThat(result.warnings()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // bodies as bytes: encoding, size, emptiness

  static Stream<Arguments> bodies() {
    byte[] valid = RFC_8461_EXAMPLE.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    return Stream.of(
        arguments("empty body", new byte[0],
            "policy is empty; it needs version, mode, max_age and mx lines"),
        arguments("0xFF byte in an extension value",
            concat(valid, bytes("note: \u00ff\r\n", true)),
            "policy is not valid UTF-8 text"),
        arguments("Latin-1 'ü' (0xFC) in an extension value",
            concat(valid, bytes("note: gr\u00fc\u00dfe\r\n", true)),
            "policy is not valid UTF-8 text"),
        arguments("UTF-8 sequence cut off at the end",
            concat(valid, new byte[] {'n', 'o', 't', 'e', ':', ' ', (byte) 0xC3}),
            "policy is not valid UTF-8 text"),
        arguments("overlong encoding of '/'",
            concat(valid, new byte[] {'n', 'o', 't', 'e', ':', ' ', (byte) 0xC0, (byte) 0xAF}),
            "policy is not valid UTF-8 text"),
        arguments("UTF-16 surrogate encoded in UTF-8",
            concat(valid, new byte[] {'n', ':', ' ', (byte) 0xED, (byte) 0xA0, (byte) 0x80}),
            "policy is not valid UTF-8 text"),
        arguments("one byte over 64 KiB", padded(valid, Policy.MAX_BYTES + 1),
            "policy is 65537 bytes; at most 65536 bytes (64 KiB) are allowed"),
        arguments("10 MB", new byte[10 * 1024 * 1024],
            "policy is 10485760 bytes; at most 65536 bytes (64 KiB) are allowed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void rejectsBodiesThatAreNoPolicyText(String name, byte[] body, String error) {
    ParseResult<Policy> result = PolicyParser.parse(body);

    assertThat(messages(result.errors())).containsExactly(error);
    assertThat(result.warnings()).isEmpty();
  }

  @Test
  void bodyOfExactly64KibIsRead() {
    byte[] valid = RFC_8461_EXAMPLE.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] body = padded(valid, Policy.MAX_BYTES);

    assertThat(body).hasSize(65536);
    assertThat(PolicyParser.parse(body).get()).isEqualTo(RFC_8461_EXAMPLE_POLICY);
  }

  @Test
  void tooLargeNamesTheSizeReportedByTheServer() {
    assertThat(messages(PolicyParser.tooLarge(5_000_000_000L).errors()))
        .containsExactly("policy is 5000000000 bytes; at most 65536 bytes (64 KiB) are allowed");
  }

  @Test
  void textAndUtf8BytesParseAlike() {
    String text = withLine(5, "comment: Grüße");

    assertThat(PolicyParser.parse(text))
        .isEqualTo(PolicyParser.parse(text.getBytes(StandardCharsets.UTF_8)));
  }

  // ---------------------------------------------------------------------------------------------
  // how rows are written

  /** One row: a policy text and what a reader must make of it. */
  record Case(String name, String text, Policy policy, List<String> errors,
      List<String> warnings) {

    Case warns(String... expected) {
      return new Case(name, text, policy, errors, List.of(expected));
    }
  }

  static Case valid(String name, String text, Policy policy) {
    return new Case(name, text, policy, List.of(), List.of());
  }

  static Case invalid(String name, String text, String... errors) {
    return new Case(name, text, null, List.of(errors), List.of());
  }

  /** Each case as written (LF) and, unless it spells out its own CRs, again with CRLF. */
  static Stream<Arguments> inBothLineEnds(Case... cases) {
    return Arrays.stream(cases).flatMap(c -> {
      Arguments lf = arguments(c.name() + " [LF]", c.text(), c);
      if (c.text().indexOf('\r') >= 0 || c.text().indexOf('\n') < 0) {
        return Stream.of(lf);
      }
      return Stream.of(lf, arguments(c.name() + " [CRLF]", c.text().replace("\n", "\r\n"), c));
    });
  }

  /** The lines, each ended by LF. */
  static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  /**
   * A valid base policy (version, mode enforce, mx mail.example.com, max_age 86400 on lines 1 to
   * 4) with line {@code number} replaced, or appended when it is 5.
   */
  static String withLine(int number, String line) {
    String[] base = {"version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400"};
    if (number == base.length + 1) {
      return lines(base) + line + "\n";
    }
    base[number - 1] = line;
    return lines(base);
  }

  static Policy policy(Mode mode, long maxAge, String... mx) {
    return new Policy(mode, Arrays.stream(mx).map(p -> MxPattern.parse(p).get()).toList(),
        maxAge);
  }

  static List<String> messages(List<Finding> findings) {
    return findings.stream().map(Finding::toString).toList();
  }

  static String trailingBlank(int line) {
    return "line " + line + ": blank line at the end of the policy is outside the grammar; some"
        + " senders reject the policy; remove it";
  }

  static String maxAgeDigits(String value) {
    return "line 4: max_age value '" + value + "' must be 1 to 10 digits (seconds)";
  }

  static String badKey(int line, String key) {
    return "line " + line + ": key '" + key + "' is not a valid field name (a letter or digit,"
        + " then up to 31 letters, digits, '_', '-' or '.')";
  }

  static byte[] bytes(String text, boolean latin1) {
    return text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** The policy followed by one extension line that brings the body to {@code size} bytes. */
  static byte[] padded(byte[] policy, int size) {
    int fill = size - policy.length - "note: \r\n".length();
    return concat(policy, bytes("note: " + "x".repeat(fill) + "\r\n", false));
  }
}
