package io.mtasts.operator.policy;

import java.util.Objects;

/**
 * One problem found in an input, tied to the line or field it is about.
 *
 * @param where "line 3", "field id", "record 2" or empty when it concerns the whole input
 * @param message what rule was broken and what is allowed
 */
public record Finding(String where, String message) {

  public Finding {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(message, "message");
  }

  public static Finding of(String message) {
    return new Finding("", message);
  }

  public static Finding atLine(int line, String message) {
    return new Finding("line " + line, message);
  }

  public static Finding atField(String field, String message) {
    return new Finding("field " + field, message);
  }

  /** The finding as a user reads it: {@code line 3: mode value 'Enforce' must be ...}. */
  @Override
  public String toString() {
    return where.isEmpty() ? message : where + ": " + message;
  }
}
