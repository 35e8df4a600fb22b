package io.mtasts.operator.policy;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An {@code mx} pattern of RFC 8461 section 3.2: an RFC 5321 domain name, optionally with the
 * whole left-most label replaced by {@code *}, and the host matching of section 4.1.
 */
public final class MxPattern {

  private static final Pattern LABEL_CHARS = Pattern.compile("[A-Za-z0-9-]+");
  private static final Pattern LOOKS_LIKE_IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  static final int MAX_NAME_LENGTH = 253;
  static final int MAX_LABEL_LENGTH = 63;

  private final String value;
  private final String lowerValue;
  private final boolean wildcard;

  private MxPattern(String value) {
    this.value = value;
    this.lowerValue = value.toLowerCase(Locale.ROOT);
    this.wildcard = value.startsWith("*.");
  }

  /**
   * Parses a pattern strictly. Error messages do not name the line or field; the caller, which
   * knows where the pattern came from, adds that.
   */
  public static ParseResult<MxPattern> parse(String text) {
    if (text == null || text.isEmpty()) {
      return ParseResult.invalid(Finding.of("mx pattern must not be empty"));
    }
    String quoted = "'" + shown(text) + "'";
    if (!text.chars().allMatch(c -> c < 0x80)) {
      return ParseResult.invalid(Finding.of(nonAsciiMessage(text, quoted)));
    }
    String withoutDots = stripTrailingDots(text);
    if (text.endsWith(".") && !withoutDots.isEmpty() && !withoutDots.equals("*")) {
      return ParseResult.invalid(
          Finding.of("mx pattern " + quoted + " must not end with '.'; write '"
              + shown(withoutDots) + "'"));
    }
    String name = text.startsWith("*.") ? text.substring(2) : text;
    if (name.contains("*")) {
      return ParseResult.invalid(Finding.of("mx pattern " + quoted
          + ": '*' is only allowed as the whole left-most label, as in '*.example.com'"));
    }
    if (name.isEmpty()) {
      return ParseResult.invalid(Finding.of("mx pattern " + quoted
          + ": a domain must follow '*.', as in '*.example.com'"));
    }
    // '*' stands for at least one character, so a wildcard pattern is as long as the shortest
    // host it matches: the whole pattern must fit in a domain name.
    if (text.length() > MAX_NAME_LENGTH) {
      return ParseResult.invalid(Finding.of("mx pattern " + quoted + " is " + text.length()
          + " characters long; " + (!text.startsWith("*.")
              ? "a domain name has at most " + MAX_NAME_LENGTH
              : "every host it matches would be longer than the " + MAX_NAME_LENGTH
                  + " characters a domain name may have")));
    }
    for (String label : name.split("\\.", -1)) {
      String problem = labelProblem(label);
      if (problem != null) {
        return ParseResult.invalid(Finding.of("mx pattern " + quoted + ": " + problem));
      }
    }
    List<Finding> warnings = new ArrayList<>();
    if (LOOKS_LIKE_IPV4.matcher(name).matches()) {
      warnings.add(Finding.of("mx pattern " + quoted
          + " looks like an IP address; mx patterns match host names, never addresses"));
    }
    return ParseResult.valid(new MxPattern(text), warnings);
  }

  private static String labelProblem(String label) {
    if (label.isEmpty()) {
      return "empty label (two dots in a row, or a leading dot)";
    }
    String shown = TaggedRecord.escapeControls(label);
    if (label.length() > MAX_LABEL_LENGTH) {
      return "label '" + shown + "' is longer than " + MAX_LABEL_LENGTH + " characters";
    }
    if (!LABEL_CHARS.matcher(label).matches()) {
      return "label '" + shown + "' may contain only letters, digits and '-'";
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      return "label '" + shown + "' must not start or end with '-'";
    }
    return null;
  }

  private static String nonAsciiMessage(String text, String quoted) {
    if (text.length() > MAX_NAME_LENGTH + 1) {
      return "mx pattern " + quoted + " contains non-ASCII characters and is longer than a domain"
          + " name can be";
    }
    String prefix = text.startsWith("*.") ? "*." : "";
    String name = stripTrailingDots(prefix.isEmpty() ? text : text.substring(2));
    try {
      String aLabel = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES);
      return "mx pattern " + quoted + " contains non-ASCII characters; write it as the A-label '"
          + prefix + aLabel.toLowerCase(Locale.ROOT) + "'";
    } catch (IllegalArgumentException e) {
      return "mx pattern " + quoted
          + " contains non-ASCII characters and is not a valid internationalized domain name";
    }
  }

  /** Text as quoted in messages: in full when it could be a name, else shortened. */
  private static String shown(String text) {
    return text.length() <= MAX_NAME_LENGTH + 1
        ? TaggedRecord.escapeControls(text) : TaggedRecord.abbreviate(text);
  }

  private static String stripTrailingDots(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }

  /** The pattern as written. */
  public String value() {
    return value;
  }

  public boolean isWildcard() {
    return wildcard;
  }

  /**
   * RFC 8461 section 4.1: the host (trailing root dot ignored, compared case-insensitively, in
   * A-label form) equals the pattern, or the pattern is {@code *.suffix} and the host is exactly
   * one non-empty label followed by {@code .suffix}.
   */
  public boolean matches(String host) {
    String h = normalizeHost(host);
    if (h == null) {
      return false;
    }
    if (!wildcard) {
      return h.equals(lowerValue);
    }
    String suffix = lowerValue.substring(1);
    int labelLength = h.length() - suffix.length();
    return labelLength > 0 && h.endsWith(suffix) && h.indexOf('.') == labelLength;
  }

  /** Lower-case A-label form without the root dot, or null for something that is no host name. */
  static String normalizeHost(String host) {
    if (host == null) {
      return null;
    }
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (h.isEmpty() || h.length() > MAX_NAME_LENGTH) {
      return null;
    }
    if (!h.chars().allMatch(c -> c < 0x80)) {
      try {
        h = IDN.toASCII(h);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return h.toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MxPattern other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
