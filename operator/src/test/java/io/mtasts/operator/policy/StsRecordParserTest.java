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
 * The {@code _mta-sts} TXT record of RFC 8461 section 3.1: one record as published, and the
 * choice of the one record among all TXT records at the name.
 */
class StsRecordParserTest {

  static final String WHITESPACE_BEFORE_SEMICOLON = "whitespace before the first ';' : senders"
      + " that require the record to begin with exactly 'v=STSv1;' discard it; write"
      + " 'v=STSv1; ...'";
  static final String TRAILING_WHITESPACE = "trailing whitespace after the last field is outside"
      + " the grammar; some senders reject the record; remove it";
  static final String ID_REQUIRED = "field id: is required: v=STSv1; id=<1 to 32 letters or"
      + " digits>";
  static final String ID_32 = "abcdefghijklmnopqrstuvwxyz012345";

  static Stream<Arguments> validRecords() {
    return Stream.of(
        valid("v=STSv1; id=20160831085700Z;", "20160831085700Z"),  // RFC 8461's example
        valid("v=STSv1; id=20160831085700Z", "20160831085700Z"),
        valid("v=STSv1;id=abc", "abc"),
        valid("v=STSv1;id=abc;", "abc"),
        valid("v=STSv1; id=abc ;", "abc"),
        valid("v=STSv1;\tid=abc\t;\t", "abc"),
        valid("v=STSv1; id=abc; ", "abc"),
        valid("v=STSv1; id=a", "a"),
        valid("v=STSv1; id=7", "7"),
        valid("v=STSv1; id=" + ID_32, ID_32),
        valid("v=STSv1; id=MixedCase2024", "MixedCase2024"),
        valid("v=STSv1; id=abc; ext=value", "abc"),
        valid("v=STSv1; ext=value; id=abc", "abc"),
        valid("v=STSv1; id=abc; x_y-z.1=~!@#$%^&*()[]{}<>?/|:", "abc"),
        valid("v=STSv1; id=abc; " + "e".repeat(32) + "=1", "abc"),
        valid("v=STSv1; id=abc; 9ext=v", "abc"),
        valid("v=STSv1; id=abc; id=def", "abc",
            "field id: appears more than once; the first value 'abc' is used"),
        valid("v=STSv1; id=abc; id=not-valid", "abc",
            "field id: appears more than once; the first value 'abc' is used"),
        valid("v=STSv1 ; id=abc", "abc", WHITESPACE_BEFORE_SEMICOLON),
        valid("v=STSv1\t; id=abc", "abc", WHITESPACE_BEFORE_SEMICOLON),
        valid("v=STSv1; id=abc ", "abc", TRAILING_WHITESPACE),
        valid("v=STSv1; id=abc\t", "abc", TRAILING_WHITESPACE),
        valid("v=STSv1; ID=xyz; id=abc", "abc",
            "field ID: is not 'id' (field names are case-sensitive); it is ignored as an unknown"
                + " extension"));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("validRecords")
  void acceptsValidRecords(String text, String id, List<String> warnings) {
    ParseResult<StsRecord> result = StsRecordParser.parse(text);

    assertThat(messages(result.errors())).isEmpty();
    assertThat(result.get().id()).isEqualTo(id);
    assertThat(messages(result.warnings())).containsExactlyElementsOf(warnings);
  }

  static Stream<Arguments> invalidRecords() {
    return Stream.of(
        invalid("v=stsv1; id=abc", beginWith("v=stsv1")),
        invalid("V=STSv1; id=abc", beginWith("V=STSv1")),
        invalid("v=STSv10; id=abc", beginWith("v=STSv10")),
        invalid("v=STSv12; id=abc", beginWith("v=STSv12")),
        invalid("v=STSv2; id=abc", beginWith("v=STSv2")),
        invalid("v=STSv1.0; id=abc", beginWith("v=STSv1.0")),
        invalid(" v=STSv1; id=abc", beginWith("")),
        invalid("id=abc; v=STSv1", beginWith("id=abc")),
        invalid("", beginWith("")),
        invalid("v=STSv1", ID_REQUIRED),
        invalid("v=STSv1;", ID_REQUIRED),
        invalid("v=STSv1; ext=1", ID_REQUIRED),
        invalid("v=STSv1; id=", badId("")),
        invalid("v=STSv1; id=" + ID_32 + "6", badId(ID_32 + "6")),
        invalid("v=STSv1; id=2024-01-01", badId("2024-01-01")),
        invalid("v=STSv1; id=abc_def", badId("abc_def")),
        invalid("v=STSv1; id=1.2", badId("1.2")),
        invalid("v=STSv1; id=12:00", badId("12:00")),
        invalid("v=STSv1; id=*", badId("*")),
        invalid("v=STSv1; id=a=b", badId("a=b")),
        invalid("v=STSv1; id= abc", badId(" abc")),
        invalid("v=STSv1; id=café", "character U+00E9 at position 16 is not allowed; records are"
            + " printable ASCII"),
        invalid("v=STSv1;\u0000id=abc", "character U+0000 at position 9 is not allowed; records"
            + " are printable ASCII"),
        invalid("v=STSv1;; id=abc", "empty field (';;') after field 0 is not allowed"),
        invalid("v=STSv1; id=abc;; ext=1", "empty field (';;') after field 1 is not allowed"),
        invalid("v=STSv1; id=abc;;", "empty field (';;') after field 1 is not allowed"),
        invalid("v=STSv1; id=abc; ;", "empty field (';;') after field 1 is not allowed"),
        invalid("v=STSv1 id=abc", "fields must be separated from 'v=STSv1' by ';'"),
        invalid("v=STSv1 x; id=abc",
            "unexpected text 'x' between 'v=STSv1' and the first ';'"),
        invalid("v=STSv1\tid=abc; ext=1",
            "unexpected text 'id=abc' between 'v=STSv1' and the first ';'"),
        invalid("v=STSv1; id", "field 'id' must be written name=value"),
        invalid("v=STSv1; id =abc", "field id : is not a valid field name (a letter or digit,"
            + " then up to 31 letters, digits, '_', '-' or '.', and no spaces around '=')"),
        invalid("v=STSv1; id=abc; _x=1", badExtensionName("_x")),
        invalid("v=STSv1; id=abc; -x=1", badExtensionName("-x")),
        invalid("v=STSv1; id=abc; x!=1", badExtensionName("x!")),
        invalid("v=STSv1; id=abc; " + "e".repeat(33) + "=1", badExtensionName("e".repeat(33))),
        invalid("v=STSv1; id=abc; =1", badExtensionName("")),
        invalid("v=STSv1; id=abc; x=", badExtensionValue("x", "")),
        invalid("v=STSv1; id=abc; x=a=b", badExtensionValue("x", "a=b")),
        invalid("v=STSv1; id=abc; x=a b", badExtensionValue("x", "a b")),
        invalid("v=STSv1; id=abc; x=a\tb", badExtensionValue("x", "a\\u0009b")),
        invalid("v=STSv1; " + "x".repeat(65_528), "record is 65537 characters long; a TXT record"
            + " holds at most 65535 bytes"));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("invalidRecords")
  void rejectsInvalidRecords(String text, List<String> errors) {
    ParseResult<StsRecord> result = StsRecordParser.parse(text);

    assertThat(result.isValid()).isFalse();
    assertThat(messages(result.errors())).containsExactlyElementsOf(errors);
  }

  // ---------------------------------------------------------------------------------------------
  // choosing the record among the TXT records at _mta-sts.<domain>

  static Stream<Arguments> rrsets() {
    return Stream.of(
        selects("one record", List.of(List.of("v=STSv1; id=abc")), "abc"),
        selects("RFC 8461's example record",
            List.of(List.of("v=STSv1; id=20160831085700Z;")), "20160831085700Z"),
        selects("an unrelated TXT record beside a valid one",
            List.of(List.of("v=spf1 -all"), List.of("v=STSv1; id=abc"),
                List.of("google-site-verification=xyz")), "abc"),
        selects("a record of a later version beside a valid one",
            List.of(List.of("v=STSv10; id=other"), List.of("v=STSv1; id=abc")), "abc"),
        selects("two strings joined without a separator",
            List.of(List.of("v=STSv1; id=2024", "0101")), "20240101"),
        selects("the version split over two strings",
            List.of(List.of("v=ST", "Sv1;", " id=abc")), "abc"),
        selects("a record of single-character strings",
            List.of("v=STSv1;id=xy".chars().mapToObj(c -> String.valueOf((char) c)).toList()),
            "xy"),
        selects("only a record with whitespace before ';'",
            List.of(List.of("v=STSv1 ; id=abc")), "abc", WHITESPACE_BEFORE_SEMICOLON),
        selects("a record with whitespace before ';' beside an exact one",
            List.of(List.of("v=STSv1; id=abc"), List.of("v=STSv1 ; id=old")), "abc",
            "another record 'v=STSv1 ; id=old' does not begin with exactly 'v=STSv1;': strict"
                + " senders discard it, others count two records and use none; delete it"),
        rejects("two STS records",
            List.of(List.of("v=STSv1; id=abc"), List.of("v=STSv1; id=def")),
            "2 TXT records begin with 'v=STSv1;'; exactly one is allowed, so senders see no"
                + " usable record; delete all but one"),
        rejects("two identical STS records",
            List.of(List.of("v=STSv1; id=abc"), List.of("v=STSv1; id=abc")),
            "2 TXT records begin with 'v=STSv1;'; exactly one is allowed, so senders see no"
                + " usable record; delete all but one"),
        rejects("three STS records",
            List.of(List.of("v=STSv1; id=a"), List.of("v=STSv1; id=b"),
                List.of("v=STSv1;id=c")),
            "3 TXT records begin with 'v=STSv1;'; exactly one is allowed, so senders see no"
                + " usable record; delete all but one"),
        rejects("two records with whitespace before ';'",
            List.of(List.of("v=STSv1 ; id=abc"), List.of("v=STSv1\t; id=def")),
            "2 TXT records begin with 'v=STSv1'; exactly one is allowed; delete all but one and"
                + " write it as 'v=STSv1; ...'"),
        rejects("no TXT record at all", List.of(), "no TXT record found"),
        rejects("only unrelated records",
            List.of(List.of("v=spf1 -all"), List.of("hello")),
            "no TXT record begins with 'v=STSv1;' (found 2 other records, first: 'v=spf1 -all')"),
        rejects("only a record without ';' after the version",
            List.of(List.of("v=STSv1")),
            "no TXT record begins with 'v=STSv1;' (found 1 other record, first: 'v=STSv1')"),
        rejects("a record with a line feed and a terminal escape is quoted with them escaped",
            List.of(List.of("hello\nworld\u001b[2J")),
            "no TXT record begins with 'v=STSv1;' (found 1 other record, first:"
                + " 'hello\\u000Aworld\\u001B[2J')"),
        rejects("only a lower-case record", List.of(List.of("v=stsv1; id=abc")),
            "no TXT record begins with 'v=STSv1;' (found 1 other record, first:"
                + " 'v=stsv1; id=abc')"),
        rejects("the one STS record is invalid",
            List.of(List.of("v=spf1 -all"), List.of("v=STSv1; id=not-valid")),
            badId("not-valid")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rrsets")
  void selectsTheOneRecord(String name, List<List<String>> rrset, String id,
      List<String> errors, List<String> warnings) {
    ParseResult<StsRecord> result = StsRecordParser.select(rrset);

    assertThat(messages(result.errors())).containsExactlyElementsOf(errors);
    assertThat(result.value().map(StsRecord::id)).isEqualTo(Optional.ofNullable(id));
    assertThat(messages(result.warnings())).containsExactlyElementsOf(warnings);
  }

  // ---------------------------------------------------------------------------------------------

  static Arguments valid(String text, String id, String... warnings) {
    return arguments(text, id, List.of(warnings));
  }

  static Arguments invalid(String text, String... errors) {
    return arguments(text, List.of(errors));
  }

  static Arguments selects(String name, List<List<String>> rrset, String id,
      String... warnings) {
    return arguments(name, rrset, id, List.of(), List.of(warnings));
  }

  static Arguments rejects(String name, List<List<String>> rrset, String error) {
    return arguments(name, rrset, null, List.of(error), List.of());
  }

  static String beginWith(String found) {
    return "record must begin with 'v=STSv1' (case-sensitive); found '" + found + "'";
  }

  static String badId(String id) {
    return "field id: value '" + id + "' must be 1 to 32 letters or digits (no '-', '_', '.',"
        + " spaces)";
  }

  static String badExtensionName(String name) {
    return "field " + name + ": is not a valid field name (a letter or digit, then up to 31"
        + " letters, digits, '_', '-' or '.', and no spaces around '=')";
  }

  static String badExtensionValue(String name, String value) {
    return "field " + name + ": value '" + value + "' must be one or more printable characters"
        + " other than '=', ';' and space";
  }
}
