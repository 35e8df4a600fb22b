package io.mtasts.operator.policy;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict parser of the policy file of RFC 8461 section 3.2 (with errata 6253: LF or CRLF line
 * ends). Every byte string gets a result; nothing here throws on input.
 */
public final class PolicyParser {

  private static final char BYTE_ORDER_MARK = '\uFEFF';
  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
  private static final Pattern MAX_AGE = Pattern.compile("[0-9]{1,10}");
  private static final Set<String> KEYS = Set.of("version", "mode", "max_age", "mx");

  private PolicyParser() {}

  public static ParseResult<Policy> parse(String text) {
    return parse(text.getBytes(StandardCharsets.UTF_8));
  }

  public static ParseResult<Policy> parse(byte[] body) {
    if (body.length > Policy.MAX_BYTES) {
      return tooLarge(body.length);
    }
    if (body.length == 0) {
      return ParseResult.invalid(
          Finding.of("policy is empty; it needs version, mode, max_age and mx lines"));
    }
    String text;
    try {
      text = strictUtf8().decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      return ParseResult.invalid(Finding.of("policy is not valid UTF-8 text"));
    }
    return new Run(text).parse();
  }

  /** The result for a body of {@code size} bytes over the limit, which is never read. */
  public static ParseResult<Policy> tooLarge(long size) {
    return ParseResult.invalid(Finding.of("policy is " + size + " bytes; at most "
        + Policy.MAX_BYTES + " bytes (64 KiB) are allowed"));
  }

  private static CharsetDecoder strictUtf8() {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** One parse: the state of reading a single policy text. */
  private static final class Run {
    private final String text;
    private final List<Finding> errors = new ArrayList<>();
    private final List<Finding> warnings = new ArrayList<>();
    private final Map<String, Integer> firstLineOfKey = new HashMap<>();
    /** For a required key that is missing, the line with a key one character away from it. */
    private final Map<String, String> nearMisses = new HashMap<>();
    private final Map<String, Integer> firstLineOfMx = new HashMap<>();
    private final List<MxPattern> mx = new ArrayList<>();
    private Mode mode;
    private Long maxAge;
    private boolean mxLineSeen;

    Run(String text) {
      this.text = text;
    }

    ParseResult<Policy> parse() {
      List<String> lines = splitLines();
      int lastContent = lines.size() - 1;
      while (lastContent >= 0 && Whitespace.isBlank(lines.get(lastContent))) {
        lastContent--;
      }
      for (int i = 0; i < lines.size(); i++) {
        int number = i + 1;
        String line = lines.get(i);
        if (Whitespace.isBlank(line)) {
          if (i > lastContent) {
            warnings.add(Finding.atLine(number, "blank line at the end of the policy is outside"
                + " the grammar; some senders reject the policy; remove it"));
          } else {
            errors.add(Finding.atLine(number, "blank lines are not allowed inside a policy"));
          }
          continue;
        }
        if (number == 1 && line.charAt(0) == BYTE_ORDER_MARK) {
          // editors hide it, so an error about the key would show a key that looks right
          errors.add(Finding.atLine(number, "the file starts with a byte order mark (U+FEFF),"
              + " which is not allowed; save it as UTF-8 without a byte order mark"));
          line = line.substring(1);
          if (Whitespace.isBlank(line)) {
            continue;
          }
        }
        parseLine(number, line);
      }
      checkRequired();
      if (!errors.isEmpty()) {
        return ParseResult.invalid(errors, warnings);
      }
      return ParseResult.valid(new Policy(mode, mx, maxAge), warnings);
    }

    /** Splits on LF or CRLF; a CR not followed by LF is reported, never a line end. */
    private List<String> splitLines() {
      List<String> lines = new ArrayList<>();
      int start = 0;
      int lineNumber = 1;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
          errors.add(Finding.atLine(lineNumber,
              "bare CR (carriage return not followed by line feed) is not a line end;"
                  + " end lines with CRLF or LF"));
        } else if (c == '\n') {
          int end = i > start && text.charAt(i - 1) == '\r' ? i - 1 : i;
          lines.add(text.substring(start, end));
          start = i + 1;
          lineNumber++;
        }
      }
      if (start < text.length()) {
        lines.add(text.substring(start));
      }
      return lines;
    }

    private void parseLine(int number, String line) {
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '\r') {
          return; // a bare CR, already reported while splitting lines
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          errors.add(Finding.atLine(number, String.format(Locale.ROOT,
              "control character U+%04X is not allowed", (int) c)));
          return;
        }
      }
      if (Whitespace.isWsp(line.charAt(0))) {
        errors.add(Finding.atLine(number, "whitespace before the key is not allowed"));
        return;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        errors.add(Finding.atLine(number, "expected 'key: value', found no ':'"));
        return;
      }
      String key = line.substring(0, colon);
      String value = Whitespace.strip(line.substring(colon + 1));
      if (!key.equals(Whitespace.stripTrailing(key))) {
        errors.add(Finding.atLine(number, "whitespace between key '" + key.strip()
            + "' and ':' is not allowed"));
        return;
      }
      if (!FIELD_NAME.matcher(key).matches()) {
        errors.add(Finding.atLine(number, "key '" + key + "' is not a valid field name (a letter"
            + " or digit, then up to 31 letters, digits, '_', '-' or '.')"));
        return;
      }
      if (!KEYS.contains(key)) {
        parseExtension(number, key, value);
        return;
      }
      if (key.equals("mx")) {
        // MxPattern reports non-ASCII names itself, with the A-label to write instead
        parseMx(number, value);
        return;
      }
      if (!value.chars().allMatch(c -> c < 0x80)) {
        errors.add(Finding.atLine(number, key + " value '" + value
            + "' contains non-ASCII characters; only extension values may"));
        return;
      }
      Integer first = firstLineOfKey.putIfAbsent(key, number);
      if (first != null) {
        warnings.add(Finding.atLine(number, "repeated key '" + key + "' is ignored; the value on"
            + " line " + first + " is used"));
        return;
      }
      switch (key) {
        case "version" -> parseVersion(number, value);
        case "mode" -> parseMode(number, value);
        default -> parseMaxAge(number, value);
      }
    }

    private void parseExtension(int number, String key, String value) {
      String known = key.toLowerCase(Locale.ROOT);
      if (KEYS.contains(known)) {
        warnings.add(Finding.atLine(number, "key '" + key + "' is not '" + known
            + "' (keys are case-sensitive); it is ignored as an unknown extension"));
      } else {
        KEYS.stream().filter(k -> oneEditApart(k, key)).sorted().findFirst().ifPresent(k -> {
          warnings.add(Finding.atLine(number, "key '" + key + "' is not '" + k
              + "' (one character differs); it is ignored as an unknown extension"));
          nearMisses.putIfAbsent(k, "line " + number + " has '" + key + "': did you mean '"
              + k + "'?");
        });
      }
      if (value.isEmpty()) {
        errors.add(Finding.atLine(number, "extension '" + key + "' has an empty value"));
      }
    }

    private void parseVersion(int number, String value) {
      if (!value.equals("STSv1")) {
        errors.add(Finding.atLine(number,
            "version value '" + value + "' must be STSv1 (case-sensitive)"));
      }
    }

    private void parseMode(int number, String value) {
      Mode parsed = Mode.fromToken(value).orElse(null);
      if (parsed == null) {
        errors.add(Finding.atLine(number, "mode value '" + value + "' must be one of "
            + Mode.allowedTokens() + " (case-sensitive)"));
        return;
      }
      mode = parsed;
    }

    private void parseMaxAge(int number, String value) {
      if (!MAX_AGE.matcher(value).matches()) {
        errors.add(Finding.atLine(number,
            "max_age value '" + value + "' must be 1 to 10 digits (seconds)"));
        return;
      }
      long seconds = Long.parseLong(value);
      if (seconds > Policy.MAX_AGE_LIMIT) {
        errors.add(Finding.atLine(number, "max_age value " + value + " exceeds the maximum "
            + Policy.MAX_AGE_LIMIT + " (one year); strict senders reject the whole policy"));
        return;
      }
      maxAge = seconds;
    }

    private void parseMx(int number, String value) {
      mxLineSeen = true;
      ParseResult<MxPattern> pattern = MxPattern.parse(value);
      pattern.errors().forEach(f -> errors.add(Finding.atLine(number, f.message())));
      pattern.warnings().forEach(f -> warnings.add(Finding.atLine(number, f.message())));
      if (!pattern.isValid()) {
        return;
      }
      Integer first = firstLineOfMx.putIfAbsent(value.toLowerCase(Locale.ROOT), number);
      if (first != null) {
        warnings.add(Finding.atLine(number,
            "mx pattern '" + value + "' repeats line " + first));
      }
      mx.add(pattern.get());
    }

    private void checkRequired() {
      if (!firstLineOfKey.containsKey("version")) {
        errors.add(Finding.of("missing 'version: STSv1' line" + nearMiss("version")));
      }
      if (!firstLineOfKey.containsKey("mode")) {
        errors.add(Finding.of("missing 'mode:' line (one of " + Mode.allowedTokens() + ")"
            + nearMiss("mode")));
      }
      if (!firstLineOfKey.containsKey("max_age")) {
        errors.add(Finding.of("missing 'max_age:' line (seconds, at most "
            + Policy.MAX_AGE_LIMIT + ")" + nearMiss("max_age")));
      }
      if (mode != null && mode != Mode.NONE && !mxLineSeen) {
        errors.add(Finding.of("at least one 'mx:' line is required when mode is "
            + mode.token() + nearMiss("mx")));
      }
    }

    private String nearMiss(String key) {
      String hint = nearMisses.get(key);
      return hint == null ? "" : "; " + hint;
    }
  }

  /** True when one substitution, insertion or deletion turns {@code a} into {@code b}. */
  static boolean oneEditApart(String a, String b) {
    if (a.equals(b) || Math.abs(a.length() - b.length()) > 1) {
      return false;
    }
    String shorter = a.length() <= b.length() ? a : b;
    String longer = shorter == a ? b : a;
    int i = 0;
    while (i < shorter.length() && shorter.charAt(i) == longer.charAt(i)) {
      i++;
    }
    int skip = shorter.length() == longer.length() ? 1 : 0;
    return shorter.substring(i + skip).equals(longer.substring(i + 1));
  }
}
