package io.mtasts.operator.verify;

import java.util.Objects;

/**
 * What one check found.
 *
 * @param name which check
 * @param result pass, warn, fail or skipped
 * @param message what was found and, unless it passed, what to fix
 */
public record CheckOutcome(CheckName name, Result result, String message) {

  public CheckOutcome {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(message, "message");
  }

  static CheckOutcome pass(CheckName name, String message) {
    return new CheckOutcome(name, Result.PASS, message);
  }

  static CheckOutcome warn(CheckName name, String message) {
    return new CheckOutcome(name, Result.WARN, message);
  }

  static CheckOutcome fail(CheckName name, String message) {
    return new CheckOutcome(name, Result.FAIL, message);
  }

  static CheckOutcome skipped(CheckName name, String message) {
    return new CheckOutcome(name, Result.SKIPPED, message);
  }

  @Override
  public String toString() {
    return name.label() + " " + result.label() + ": " + message;
  }
}
