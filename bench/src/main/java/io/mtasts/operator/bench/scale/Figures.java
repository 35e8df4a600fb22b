package io.mtasts.operator.bench.scale;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one run: rows of the human table (figure, value, target, verdict) and the
 * {@code RESULT key=value ...} line that scripts read.
 */
final class Figures {

  private record Row(String figure, String value, String target, String verdict) {}

  private final Map<String, String> result = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  /** Fixes the order of keys in the RESULT line; each says n/a until it is set. */
  Figures reserve(String... keys) {
    for (String k : keys) {
      result.putIfAbsent(k, "n/a");
    }
    return this;
  }

  /** A figure with an upper bound: the verdict says whether it was met. */
  Figures atMost(String key, String figure, double value, double limit, String unit) {
    String v = format(value);
    result.put(key, v);
    rows.add(new Row(figure, v + unit, "<= " + format(limit) + unit,
        Double.isNaN(value) ? "n/a" : value <= limit ? "ok" : "MISSED"));
    return this;
  }

  /** A figure with a lower bound. */
  Figures atLeast(String key, String figure, double value, double limit, String unit) {
    String v = format(value);
    result.put(key, v);
    rows.add(new Row(figure, v + unit, ">= " + format(limit) + unit,
        Double.isNaN(value) ? "n/a" : value >= limit ? "ok" : "MISSED"));
    return this;
  }

  /** A figure without a target. */
  Figures info(String key, String figure, String value) {
    if (key != null) {
      result.put(key, value.replace(' ', '_'));
    }
    rows.add(new Row(figure, value, "", ""));
    return this;
  }

  Figures info(String key, String figure, double value, String unit) {
    String v = format(value);
    if (key != null) {
      result.put(key, v);
    }
    rows.add(new Row(figure, v + unit, "", ""));
    return this;
  }

  Figures note(String text) {
    notes.add(text);
    return this;
  }

  boolean allMet() {
    return rows.stream().noneMatch(r -> r.verdict().equals("MISSED"));
  }

  static String format(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e12) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.0f" : "%.2f", value);
  }

  void printTable(PrintStream out) {
    int w0 = "figure".length();
    int w1 = "value".length();
    int w2 = "target".length();
    for (Row r : rows) {
      w0 = Math.max(w0, r.figure().length());
      w1 = Math.max(w1, r.value().length());
      w2 = Math.max(w2, r.target().length());
    }
    String format = "%-" + w0 + "s  %" + w1 + "s  %-" + w2 + "s  %s%n";
    out.printf(format, "figure", "value", "target", "");
    out.println("-".repeat(w0 + w1 + w2 + 12));
    for (Row r : rows) {
      out.printf(format, r.figure(), r.value(), r.target(), r.verdict());
    }
    for (String n : notes) {
      out.println("note: " + n);
    }
  }

  String resultLine() {
    StringBuilder line = new StringBuilder("RESULT");
    result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
    return line.toString();
  }
}
