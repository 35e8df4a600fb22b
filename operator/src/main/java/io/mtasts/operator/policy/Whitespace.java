package io.mtasts.operator.policy;

/** The WSP of RFC 5234 (space and horizontal tab), the only whitespace these grammars know. */
final class Whitespace {

  private Whitespace() {}

  static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }

  /** Whether the string is empty or holds only spaces and tabs. */
  static boolean isBlank(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isWsp(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static String strip(String s) {
    int start = 0;
    while (start < s.length() && isWsp(s.charAt(start))) {
      start++;
    }
    return stripTrailing(s.substring(start));
  }

  static String stripTrailing(String s) {
    int end = s.length();
    while (end > 0 && isWsp(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }
}
