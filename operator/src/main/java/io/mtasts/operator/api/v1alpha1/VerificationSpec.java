package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** How the operator keeps checking the live MTA-STS setup of the domain. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerificationSpec {

  @Default(SpecDefaults.VERIFICATION_ENABLED_TEXT)
  @JsonPropertyDescription("Run the live checks and report them in status.checks.")
  private Boolean enabled;

  /**
   * Deliberately without a schema default: an absent interval means the operator's configured
   * interval, which an API-server default would always hide.
   */
  @Pattern(SpecConstraints.DURATION)
  @JsonPropertyDescription(
      "Time between verifications, such as 15m or 1h; empty means the operator's configured"
          + " interval.")
  private String interval;

  @Default(SpecDefaults.PROBE_MX_TEXT)
  @JsonPropertyDescription(
      "Also connect to each MX host on port 25 and check STARTTLS and its certificate.")
  private Boolean probeMx;

  public boolean effectiveEnabled() {
    return enabled != null ? enabled : SpecDefaults.VERIFICATION_ENABLED;
  }

  public boolean effectiveProbeMx() {
    return probeMx != null ? probeMx : SpecDefaults.PROBE_MX;
  }

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public Boolean getProbeMx() {
    return probeMx;
  }

  public void setProbeMx(Boolean probeMx) {
    this.probeMx = probeMx;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerificationSpec other
        && Objects.equals(enabled, other.enabled)
        && Objects.equals(interval, other.interval)
        && Objects.equals(probeMx, other.probeMx);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, interval, probeMx);
  }

  @Override
  public String toString() {
    return "VerificationSpec{enabled="
        + enabled
        + ", interval="
        + interval
        + ", probeMx="
        + probeMx
        + "}";
  }
}
