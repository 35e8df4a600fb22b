package io.mtasts.operator.testing;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, for checking alert rules and dashboard queries
 * against what the operator exports. Strings, label matchers, ranges and label lists are removed
 * first; what remains that is an identifier not called as a function is a metric name.
 */
public final class MetricNames {

  private static final Pattern DOUBLE_QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern SINGLE_QUOTED = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*]");
  private static final Pattern LABEL_LISTS = Pattern.compile(
      "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w:$.])([a-zA-Z_:][\\w:]*)(?![\\w:])(?!\\s*\\()");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset",
      "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan");
  /** Grafana's query for a variable's values: label_values(metric{...}, label). */
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\(\\s*(.*?)\\s*,\\s*[a-zA-Z_]\\w*\\s*\\)\\s*$");

  private MetricNames() {}

  public static Set<String> in(String promql) {
    String s = DOUBLE_QUOTED.matcher(promql).replaceAll(" ");
    s = SINGLE_QUOTED.matcher(s).replaceAll(" ");
    s = MATCHERS.matcher(s).replaceAll(" ");
    s = RANGES.matcher(s).replaceAll(" ");
    s = LABEL_LISTS.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      if (!KEYWORDS.contains(m.group(1).toLowerCase())) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** The names a Grafana variable query reads: label_values' series, or a PromQL query. */
  public static Set<String> inVariableQuery(String query) {
    Matcher m = LABEL_VALUES.matcher(query);
    return in(m.matches() ? m.group(1) : query);
  }
}
