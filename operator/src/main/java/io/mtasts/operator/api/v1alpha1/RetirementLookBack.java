package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A policy this resource advertised in {@code enforce} or {@code testing} and then replaced,
 * which senders may still hold: its max_age, and until when a copy fetched before it was
 * replaced can live.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"maxAge", "cachedUntil"})
public class RetirementLookBack {

  @JsonPropertyDescription("max_age of the replaced policy, in seconds.")
  private Long maxAge;

  @JsonPropertyDescription("When the last copy a sender could have fetched expires, RFC 3339.")
  private String cachedUntil;

  public RetirementLookBack() {}

  public RetirementLookBack(long maxAge, String cachedUntil) {
    this.maxAge = maxAge;
    this.cachedUntil = cachedUntil;
  }

  public Long getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(Long maxAge) {
    this.maxAge = maxAge;
  }

  public String getCachedUntil() {
    return cachedUntil;
  }

  public void setCachedUntil(String cachedUntil) {
    this.cachedUntil = cachedUntil;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetirementLookBack other
        && Objects.equals(maxAge, other.maxAge)
        && Objects.equals(cachedUntil, other.cachedUntil);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAge, cachedUntil);
  }

  @Override
  public String toString() {
    return "RetirementLookBack{maxAge=" + maxAge + ", cachedUntil=" + cachedUntil + "}";
  }
}
