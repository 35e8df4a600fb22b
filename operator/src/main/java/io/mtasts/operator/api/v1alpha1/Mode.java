package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The RFC 8461 policy mode, spelled in the CR exactly as in the policy file. */
public enum Mode {
  @JsonProperty("enforce")
  ENFORCE("enforce"),
  @JsonProperty("testing")
  TESTING("testing"),
  @JsonProperty("none")
  NONE("none"),
  /**
   * Any other value. The API server refuses it, but a resource that skipped the CRD's validation
   * may still hold one; reading it as this (rather than failing) keeps one bad resource from
   * stopping the operator's informer for all of them, and lets the reconciler report it.
   */
  @JsonIgnore
  UNRECOGNIZED("");

  private final String value;

  Mode(String value) {
    this.value = value;
  }

  /** The value as written in the CR and in the policy's {@code mode:} line. */
  public String value() {
    return value;
  }

  /** How Jackson reads a mode: never fails, unknown values become {@link #UNRECOGNIZED}. */
  @JsonCreator
  static Mode fromJson(String value) {
    for (Mode mode : values()) {
      if (mode != UNRECOGNIZED && mode.value.equals(value)) {
        return mode;
      }
    }
    return UNRECOGNIZED;
  }

  /** Parses the wire value; case-sensitive, like the policy grammar. */
  public static Mode fromValue(String value) {
    for (Mode mode : values()) {
      if (mode != UNRECOGNIZED && mode.value.equals(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "unknown mode '" + value + "'; expected one of " + allowedValues());
  }

  static String allowedValues() {
    return Arrays.stream(values()).filter(m -> m != UNRECOGNIZED).map(Mode::value)
        .collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return value;
  }
}
