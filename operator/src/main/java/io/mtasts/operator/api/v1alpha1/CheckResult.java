package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The outcome of one live verification check as reported in status. */
public enum CheckResult {
  @JsonProperty("Pass")
  PASS,
  @JsonProperty("Warn")
  WARN,
  @JsonProperty("Fail")
  FAIL,
  @JsonProperty("Skipped")
  SKIPPED
}
