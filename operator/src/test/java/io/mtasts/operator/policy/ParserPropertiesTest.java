package io.mtasts.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties that must hold for every input, checked on many generated ones (seeded, so a
 * failure repeats): valid policies survive rendering unchanged however they were spelled, and
 * no byte string makes a parser throw, hang or report something malformed.
 */
class ParserPropertiesTest {

  private static final long SEED = 8461_8460L;
  private static final int FUZZ_INPUTS = 100_000;

  // ---------------------------------------------------------------------------------------------
  // valid policies

  @Test
  void randomValidPoliciesRenderParseRenderStable() {
    Random random = new Random(SEED);
    for (int i = 0; i < 5_000; i++) {
      Policy policy = randomPolicy(random);
      byte[] rendered = policy.renderBytes();

      ParseResult<Policy> parsed = PolicyParser.parse(rendered);

      assertThat(parsed.warnings()).as("warnings for %s", policy).isEmpty();
      assertThat(parsed.get()).isEqualTo(policy);
      assertThat(parsed.get().renderBytes()).isEqualTo(rendered);
    }
  }

  @Test
  void everyAllowedSpellingOfAPolicyParsesToItAndRendersCanonically() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < 5_000; i++) {
      Policy policy = randomPolicy(random);
      String spelling = randomSpelling(policy, random);

      ParseResult<Policy> parsed = PolicyParser.parse(spelling.getBytes(StandardCharsets.UTF_8));

      assertThat(PolicyParserTest.messages(parsed.errors())).as("errors for %s", spelling)
          .isEmpty();
      assertThat(parsed.warnings()).as("warnings for %s", spelling).isEmpty();
      assertThat(parsed.get()).isEqualTo(policy);
      assertThat(parsed.get().render()).isEqualTo(policy.render());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // arbitrary input

  @Test
  void noInputMakesAParserThrowHangOrMisreport() {
    // a generous bound that only a hang reaches; the run takes a few seconds
    int checked = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> fuzz(FUZZ_INPUTS));

    assertThat(checked).isGreaterThanOrEqualTo(100_000);
  }

  /** Generates {@code count} inputs, gives each to every parser, returns how many were checked. */
  private static int fuzz(int count) {
    Random random = new Random(SEED + 2);
    List<byte[]> seeds = seedInputs(random);
    int checked = 0;
    for (int i = 0; i < count; i++) {
      byte[] input = switch (random.nextInt(10)) {
        case 0 -> randomBytes(random);
        case 1 -> randomText(random);
        default -> mutate(seeds.get(random.nextInt(seeds.size())), random);
      };
      checkAllParsers(input);
      checked++;
    }
    return checked;
  }

  private static void checkAllParsers(byte[] input) {
    ParseResult<Policy> policy = PolicyParser.parse(input);
    checkFindings(policy, "line ");
    policy.value().ifPresent(p -> {
      ParseResult<Policy> again = PolicyParser.parse(p.renderBytes());
      assertThat(again.get()).isEqualTo(p);
      assertThat(again.get().renderBytes()).isEqualTo(p.renderBytes());
    });

    // records reach the parsers as text: from DNS as bytes taken one by one (Latin-1), from the
    // command line as decoded UTF-8; alternate between the two
    String text = new String(input, input.length % 2 == 0
        ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    ParseResult<StsRecord> sts = StsRecordParser.parse(text);
    checkFindings(sts, "field ");
    sts.value().ifPresent(r -> assertThat(StsRecordParser.parse(r.render()).get()).isEqualTo(r));

    ParseResult<TlsRptRecord> tlsRpt = TlsRptRecordParser.parse(text);
    checkFindings(tlsRpt, "field ");
    tlsRpt.value().ifPresent(
        r -> assertThat(TlsRptRecordParser.parse(r.render()).get()).isEqualTo(r));

    if (input.length % 4 == 0) {
      int cut = text.length() / 2;
      List<List<String>> rrset = List.of(List.of(text.substring(0, cut), text.substring(cut)),
          List.of("v=spf1 -all"));
      checkFindings(StsRecordParser.select(rrset), "field ");
      checkFindings(TlsRptRecordParser.select(rrset), "field ");
    }

    String firstLine = text.lines().findFirst().orElse("");
    ParseResult<MxPattern> pattern = MxPattern.parse(input.length % 3 == 0 ? text : firstLine);
    checkFindings(pattern, "");
    pattern.value().ifPresent(p -> assertThat(p.matches(
        p.isWildcard() ? "x" + p.value().substring(1) : p.value() + ".")).isTrue());
    MxPattern.parse("*.example.com").get().matches(firstLine);
    String uriProblem = TlsRptRecordParser.uriProblem(firstLine);
    if (uriProblem != null && !oneLine(uriProblem)) {
      throw new AssertionError("malformed URI problem: " + uriProblem);
    }
  }

  /**
   * Findings are about a line or field (or the whole input) and fit on one output line. Checked
   * without AssertJ: this runs for millions of findings.
   */
  private static void checkFindings(ParseResult<?> result, String wherePrefix) {
    if (result.isValid() != result.errors().isEmpty()) {
      throw new AssertionError("valid with errors, or invalid without: " + result);
    }
    checkFindings(result.errors(), wherePrefix);
    checkFindings(result.warnings(), wherePrefix);
  }

  private static void checkFindings(List<Finding> findings, String wherePrefix) {
    for (Finding f : findings) {
      if (f.message().isBlank() || !oneLine(f.message()) || !oneLine(f.where())
          || !(f.where().isEmpty() || f.where().startsWith(wherePrefix))) {
        throw new AssertionError("malformed finding: [" + f.where() + "] [" + f.message() + "]");
      }
    }
  }

  private static boolean oneLine(String s) {
    return s.indexOf('\n') < 0 && s.indexOf('\r') < 0;
  }

  // ---------------------------------------------------------------------------------------------
  // huge input

  static Stream<Arguments> hugeInputs() {
    int tenMb = 10 * 1024 * 1024;
    String tooLong = "record is %d characters long; a TXT record holds at most 65535 bytes";
    byte[] repeated = PolicyParserTest.RFC_8461_EXAMPLE.repeat(tenMb / 100)
        .getBytes(StandardCharsets.US_ASCII);
    return Stream.of(
        huge("policy bytes: 10 MB of repeated valid policy", () -> PolicyParser.parse(repeated),
            "policy is " + repeated.length + " bytes; at most 65536 bytes (64 KiB) are allowed"),
        huge("policy text: 10 M characters", () -> PolicyParser.parse("x".repeat(tenMb)),
            "policy is 10485760 bytes; at most 65536 bytes (64 KiB) are allowed"),
        huge("policy: 64 KiB of bare CRs", () -> PolicyParser.parse("\r".repeat(65_536)),
            "line 1: bare CR (carriage return not followed by line feed) is not a line end;"
                + " end lines with CRLF or LF"),
        huge("policy: 64 KiB of mx lines", () -> PolicyParser.parse(
                "version: STSv1\nmode: enforce\nmax_age: 1\n" + "mx: a.example\n".repeat(4_675)),
            null),
        huge("sts record: 10 M separators", () -> StsRecordParser.parse(
                "v=STSv1" + ";".repeat(tenMb)), String.format(tooLong, tenMb + 7)),
        huge("sts record: 10 MB id", () -> StsRecordParser.parse(
                "v=STSv1; id=" + "a".repeat(tenMb)), String.format(tooLong, tenMb + 12)),
        huge("sts record: 64 KiB of separators", () -> StsRecordParser.parse(
                "v=STSv1" + ";".repeat(65_528)),
            "empty field (';;') after field 0 is not allowed"),
        huge("sts rrset: one record of 40,000 strings", () -> StsRecordParser.select(List.of(
                Collections.nCopies(40_000, "v=STSv1; id=abc;".repeat(15)))),
            String.format(tooLong, 40_000 * 240)),
        huge("tlsrpt record: 10 MB rua list", () -> TlsRptRecordParser.parse(
                "v=TLSRPTv1; rua=" + "mailto:a@example.com,".repeat(tenMb / 21)),
            String.format(tooLong, 16 + 21 * (tenMb / 21))),
        huge("tlsrpt record: 64 KiB of commas", () -> TlsRptRecordParser.parse(
                "v=TLSRPTv1; rua=" + ",".repeat(65_519)),
            "field rua: empty URI in the list"),
        huge("mx pattern: 5 M labels", () -> MxPattern.parse("a.".repeat(tenMb / 2) + "b"),
            "mx pattern '" + "a.".repeat(38) + "a...' is 10485761 characters long; a domain"
                + " name has at most 253"),
        huge("mx pattern: 10 M non-ASCII characters", () -> MxPattern.parse("é".repeat(tenMb)),
            "mx pattern '" + "é".repeat(77) + "...' contains non-ASCII characters and is longer"
                + " than a domain name can be"),
        huge("mx match: 10 MB non-ASCII host", () -> matchResult(
                MxPattern.parse("*.example.com").get().matches("é".repeat(tenMb) + ".example.com")),
            "no match"),
        huge("mx match: 10 MB ASCII host", () -> matchResult(
                MxPattern.parse("*.example.com").get().matches("a".repeat(tenMb) + ".example.com")),
            "no match"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hugeInputs")
  void hugeInputReturnsQuickly(String name, Supplier<ParseResult<?>> parse, String firstError) {
    ParseResult<?> result = assertTimeoutPreemptively(Duration.ofSeconds(5), parse::get);

    if (firstError == null) {
      assertThat(result.isValid()).isTrue();
    } else {
      assertThat(result.errors().get(0)).hasToString(firstError);
    }
  }

  private static Arguments huge(String name, Supplier<ParseResult<?>> parse, String firstError) {
    return arguments(name, parse, firstError);
  }

  private static ParseResult<?> matchResult(boolean matched) {
    return matched ? ParseResult.valid("match", List.of())
        : ParseResult.invalid(Finding.of("no match"));
  }

  // ---------------------------------------------------------------------------------------------
  // generators

  static Policy randomPolicy(Random random) {
    Mode mode = Mode.values()[random.nextInt(Mode.values().length)];
    int count = mode == Mode.NONE ? random.nextInt(3) : 1 + random.nextInt(6);
    Set<String> seen = new HashSet<>();
    List<MxPattern> mx = new ArrayList<>();
    while (mx.size() < count) {
      String pattern = randomPattern(random);
      if (seen.add(pattern.toLowerCase(Locale.ROOT))) {
        mx.add(MxPattern.parse(pattern).get());
      }
    }
    long maxAge = switch (random.nextInt(5)) {
      case 0 -> 0;
      case 1 -> Policy.MAX_AGE_LIMIT;
      default -> random.nextLong(Policy.MAX_AGE_LIMIT + 1);
    };
    return new Policy(mode, mx, maxAge);
  }

  static String randomPattern(Random random) {
    StringBuilder pattern = new StringBuilder(random.nextInt(4) == 0 ? "*." : "");
    int labels = 1 + random.nextInt(4);
    for (int i = 0; i < labels; i++) {
      if (i > 0) {
        pattern.append('.');
      }
      pattern.append(randomLabel(random));
    }
    return pattern.toString();
  }

  /** A label that starts with a letter (so no name looks like an address) and ends with no '-'. */
  static String randomLabel(Random random) {
    String letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    String inner = letters + "0123456789-";
    int length = random.nextInt(10) == 0 ? 63 : 1 + random.nextInt(12);
    StringBuilder label = new StringBuilder();
    label.append(letters.charAt(random.nextInt(letters.length())));
    for (int i = 1; i < length - 1; i++) {
      label.append(inner.charAt(random.nextInt(inner.length())));
    }
    if (length > 1) {
      label.append(letters.charAt(random.nextInt(letters.length())));
    }
    return label.toString();
  }

  /**
   * The policy spelled in one of the many ways the grammar allows: fields in any order (mx kept
   * in order), LF or CRLF per line, optional whitespace after ':' and after the value, max_age
   * with leading zeros, unknown extensions, and with or without a final line end.
   */
  static String randomSpelling(Policy policy, Random random) {
    List<String> lines = new ArrayList<>();
    for (MxPattern mx : policy.mx()) {
      lines.add(field(random, "mx", mx.value()));
    }
    String maxAge = Long.toString(policy.maxAge());
    maxAge = "0".repeat(random.nextInt(11 - maxAge.length())) + maxAge;
    List<String> others = new ArrayList<>(List.of(
        field(random, "version", "STSv1"),
        field(random, "mode", policy.mode().token()),
        field(random, "max_age", maxAge)));
    for (int i = random.nextInt(3); i > 0; i--) {
      others.add(field(random, "x-ext" + random.nextInt(100),
          random.nextBoolean() ? "any value; even = and ✓" : "v"));
    }
    for (String other : others) {
      lines.add(random.nextInt(lines.size() + 1), other);
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      text.append(lines.get(i));
      if (i < lines.size() - 1 || random.nextBoolean()) {
        text.append(random.nextBoolean() ? "\r\n" : "\n");
      }
    }
    return text.toString();
  }

  private static String field(Random random, String key, String value) {
    String[] gaps = {"", " ", "\t", "  ", " \t "};
    return key + ":" + gaps[random.nextInt(gaps.length)] + value + gaps[random.nextInt(gaps.length)];
  }

  /** Valid inputs of every kind, for mutation. */
  private static List<byte[]> seedInputs(Random random) {
    List<String> texts = new ArrayList<>(List.of(
        PolicyParserTest.RFC_8461_EXAMPLE,
        "v=STSv1; id=20160831085700Z;",
        "v=STSv1; id=abc; ext=1",
        "v=TLSRPTv1; rua=mailto:reports@example.com,https://reporting.example.com/v1/tlsrpt",
        "v=TLSRPTv1;rua=mailto:reports@example.com",
        "*.example.com",
        "xn--bcher-kva.example"));
    for (int i = 0; i < 20; i++) {
      Policy policy = randomPolicy(random);
      texts.add(policy.render());
      texts.add(randomSpelling(policy, random));
    }
    return texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
  }

  private static final byte[][] INJECTIONS = {
      {'\r'}, {'\n'}, {'\r', '\n'}, {'\t'}, {' '}, {':'}, {';'}, {'='}, {','}, {'*'}, {'.'},
      {'-'}, {'!'}, {0}, {0x7f}, {0x0b},
      "é".getBytes(StandardCharsets.UTF_8), "日".getBytes(StandardCharsets.UTF_8),
      "😀".getBytes(StandardCharsets.UTF_8), "\u2028".getBytes(StandardCharsets.UTF_8),
      "\uFEFF".getBytes(StandardCharsets.UTF_8), "\u3000".getBytes(StandardCharsets.UTF_8),
      {(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
  };

  static byte[] mutate(byte[] seed, Random random) {
    List<Byte> bytes = new ArrayList<>(seed.length + 16);
    for (byte b : seed) {
      bytes.add(b);
    }
    for (int n = 1 + random.nextInt(6); n > 0; n--) {
      int at = bytes.isEmpty() ? 0 : random.nextInt(bytes.size() + 1);
      switch (random.nextInt(8)) {
        case 0 -> bytes.add(at, (byte) random.nextInt(256));
        case 1 -> {
          if (at < bytes.size()) {
            bytes.remove(at);
          }
        }
        case 2 -> {
          if (at < bytes.size()) {
            bytes.set(at, (byte) (bytes.get(at) ^ (1 << random.nextInt(8))));
          }
        }
        case 3 -> {
          byte[] injected = INJECTIONS[random.nextInt(INJECTIONS.length)];
          for (int i = injected.length - 1; i >= 0; i--) {
            bytes.add(at, injected[i]);
          }
        }
        case 4 -> {
          int end = Math.min(bytes.size(), at + random.nextInt(16));
          bytes.subList(at, end).clear();
        }
        case 5 -> {
          int end = Math.min(bytes.size(), at + random.nextInt(24));
          bytes.addAll(at, new ArrayList<>(bytes.subList(at, end)));
        }
        case 6 -> {
          if (!bytes.isEmpty()) {
            bytes.subList(random.nextInt(bytes.size()), bytes.size()).clear();
          }
        }
        default -> {
          if (at < bytes.size()) {
            byte[] injected = INJECTIONS[random.nextInt(12)];
            bytes.set(at, injected[0]);
          }
        }
      }
    }
    byte[] out = new byte[bytes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.get(i);
    }
    return out;
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(200)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Text made of the characters these grammars care about, so it gets past the first checks. */
  private static byte[] randomText(Random random) {
    String[] pieces = {"v=STSv1", "v=TLSRPTv1", "id=", "rua=", "mailto:", "https://", "@",
        "version", "mode", "mx", "max_age", ": ", "enforce", "testing", "none", "STSv1",
        "example.com", "*.", ".", ";", " ", "\t", "\r\n", "\n", "\r", "=", ",", "!", "%21",
        "a", "Z", "9", "-", "_", "é", "xn--", "31557600", "0"};
    StringBuilder text = new StringBuilder();
    for (int n = random.nextInt(40); n > 0; n--) {
      text.append(pieces[random.nextInt(pieces.length)]);
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

}
