package io.mtasts.operator.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A TXT record value written as in a zone file: quoted, with quotes and backslashes escaped, and
 * split into strings of at most 255 characters (the DNS limit of one string; resolvers join them
 * without spaces, which RFC 8461 and RFC 8460 expect).
 */
final class TxtRecordText {

  static final int MAX_STRING = 255;

  private TxtRecordText() {}

  static String quoted(String value) {
    List<String> strings = new ArrayList<>();
    for (int start = 0; start < value.length(); start += MAX_STRING) {
      String chunk = value.substring(start, Math.min(value.length(), start + MAX_STRING));
      strings.add('"' + chunk.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
    }
    return strings.isEmpty() ? "\"\"" : String.join(" ", strings);
  }
}
