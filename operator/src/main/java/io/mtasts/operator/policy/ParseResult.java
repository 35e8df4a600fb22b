package io.mtasts.operator.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The outcome of a strict parse: a value when the input is valid, otherwise the errors; warnings
 * report forms that senders disagree on and may accompany either.
 */
public record ParseResult<T>(Optional<T> value, List<Finding> errors, List<Finding> warnings) {

  public ParseResult {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    if (value.isPresent() && !errors.isEmpty()) {
      throw new IllegalArgumentException("a result with errors carries no value");
    }
    if (value.isEmpty() && errors.isEmpty()) {
      throw new IllegalArgumentException("a result without a value needs an error");
    }
  }

  public static <T> ParseResult<T> valid(T value, List<Finding> warnings) {
    return new ParseResult<>(Optional.of(value), List.of(), warnings);
  }

  public static <T> ParseResult<T> invalid(List<Finding> errors, List<Finding> warnings) {
    return new ParseResult<>(Optional.empty(), errors, warnings);
  }

  public static <T> ParseResult<T> invalid(Finding error) {
    return invalid(List.of(error), List.of());
  }

  public boolean isValid() {
    return value.isPresent();
  }

  /** The value of a valid result; for callers that checked {@link #isValid()}. */
  public T get() {
    return value.orElseThrow(() -> new IllegalStateException("invalid: " + errors));
  }

  /** Maps the value, keeping errors and warnings. */
  public <U> ParseResult<U> map(Function<T, U> mapper) {
    return new ParseResult<>(value.map(mapper), errors, warnings);
  }

  /** The same result with extra warnings in front of its own. */
  public ParseResult<T> withWarningsBefore(List<Finding> earlier) {
    if (earlier.isEmpty()) {
      return this;
    }
    List<Finding> all = new ArrayList<>(earlier);
    all.addAll(warnings);
    return new ParseResult<>(value, errors, all);
  }
}
