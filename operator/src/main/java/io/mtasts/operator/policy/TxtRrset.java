package io.mtasts.operator.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Picks the one record of a kind from the TXT records at a name (RFC 8461 section 3.1, RFC 8460
 * section 3): records not beginning with exactly {@code <version>;} are discarded, and exactly
 * one must remain.
 */
public final class TxtRrset {

  private TxtRrset() {}

  /** Joins the strings of one TXT record with no separator, as both RFCs require. */
  public static String join(List<String> strings) {
    return String.join("", strings);
  }

  static <T> ParseResult<T> select(
      List<List<String>> rrset, String version, Function<String, ParseResult<T>> parser) {
    String prefix = version + ";";
    List<String> exact = new ArrayList<>();
    List<String> loose = new ArrayList<>();
    for (List<String> strings : rrset) {
      String text = join(strings);
      if (text.startsWith(prefix)) {
        exact.add(text);
      } else if (text.startsWith(version)
          && Whitespace.strip(text.substring(version.length())).startsWith(";")) {
        // whitespace before the ';': inside the grammar, but outside the prefix rule
        loose.add(text);
      }
    }
    if (exact.size() > 1) {
      return ParseResult.invalid(Finding.of(exact.size() + " TXT records begin with '" + prefix
          + "'; exactly one is allowed, so senders see no usable record; delete all but one"));
    }
    if (exact.size() == 1) {
      List<Finding> warnings = new ArrayList<>();
      for (String other : loose) {
        warnings.add(Finding.of("another record '" + TaggedRecord.abbreviate(other)
            + "' does not begin with exactly '" + prefix + "': strict senders discard it, others"
            + " count two records and use none; delete it"));
      }
      return parser.apply(exact.get(0)).withWarningsBefore(warnings);
    }
    if (loose.size() == 1) {
      return parser.apply(loose.get(0));
    }
    if (loose.size() > 1) {
      return ParseResult.invalid(Finding.of(loose.size() + " TXT records begin with '" + version
          + "'; exactly one is allowed; delete all but one and write it as '" + prefix + " ...'"));
    }
    if (rrset.isEmpty()) {
      return ParseResult.invalid(Finding.of("no TXT record found"));
    }
    return ParseResult.invalid(Finding.of("no TXT record begins with '" + prefix + "' (found "
        + rrset.size() + " other record" + (rrset.size() == 1 ? "" : "s") + ", first: '"
        + TaggedRecord.abbreviate(join(rrset.get(0))) + "')"));
  }
}
