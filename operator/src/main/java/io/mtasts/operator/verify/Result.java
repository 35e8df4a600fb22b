package io.mtasts.operator.verify;

/** The outcome of one check, from best to worst; {@link #SKIPPED} means it could not run. */
public enum Result {
  PASS("Pass"),
  WARN("Warn"),
  FAIL("Fail"),
  SKIPPED("Skipped");

  private final String label;

  Result(String label) {
    this.label = label;
  }

  /** The result as published: {@code Pass}, {@code Warn}, {@code Fail} or {@code Skipped}. */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
