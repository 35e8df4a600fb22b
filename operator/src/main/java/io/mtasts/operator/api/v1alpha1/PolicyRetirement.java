package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * What retiring the domain's MTA-STS (RFC 8461 section 8.3) has to wait for, kept in status so
 * every restart and every leader computes the same deadline: the replaced policies senders may
 * still hold, and once a {@code mode: none} policy is advertised, its id, when, and when the
 * last cached policy of the look-back expires.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"startedAt", "policyId", "retiredAt", "holdSeconds", "safeToDeleteAfter",
    "lookBack"})
public class PolicyRetirement {

  @JsonPropertyDescription("When deleting the resource started its retirement, RFC 3339.")
  private String startedAt;

  @JsonPropertyDescription("Id of the mode none policy that retires the domain.")
  private String policyId;

  @JsonPropertyDescription("When the mode none policy was advertised, RFC 3339.")
  private String retiredAt;

  @JsonPropertyDescription("Seconds mode none is held: the largest max_age of the look-back.")
  private Long holdSeconds;

  @JsonPropertyDescription("retiredAt plus holdSeconds, or plus the operator's cap when that"
      + " is shorter: from then on the resource may be deleted (RFC 3339).")
  private String safeToDeleteAfter;

  @JsonPropertyDescription("Replaced enforce or testing policies senders may still hold.")
  private List<RetirementLookBack> lookBack;

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getPolicyId() {
    return policyId;
  }

  public void setPolicyId(String policyId) {
    this.policyId = policyId;
  }

  public String getRetiredAt() {
    return retiredAt;
  }

  public void setRetiredAt(String retiredAt) {
    this.retiredAt = retiredAt;
  }

  public Long getHoldSeconds() {
    return holdSeconds;
  }

  public void setHoldSeconds(Long holdSeconds) {
    this.holdSeconds = holdSeconds;
  }

  public String getSafeToDeleteAfter() {
    return safeToDeleteAfter;
  }

  public void setSafeToDeleteAfter(String safeToDeleteAfter) {
    this.safeToDeleteAfter = safeToDeleteAfter;
  }

  public List<RetirementLookBack> getLookBack() {
    return lookBack;
  }

  public void setLookBack(List<RetirementLookBack> lookBack) {
    this.lookBack = lookBack;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyRetirement other
        && Objects.equals(startedAt, other.startedAt)
        && Objects.equals(policyId, other.policyId)
        && Objects.equals(retiredAt, other.retiredAt)
        && Objects.equals(holdSeconds, other.holdSeconds)
        && Objects.equals(safeToDeleteAfter, other.safeToDeleteAfter)
        && Objects.equals(lookBack, other.lookBack);
  }

  @Override
  public int hashCode() {
    return Objects.hash(startedAt, policyId, retiredAt, holdSeconds, safeToDeleteAfter, lookBack);
  }

  @Override
  public String toString() {
    return "PolicyRetirement{startedAt=" + startedAt + ", policyId=" + policyId + ", retiredAt="
        + retiredAt + ", holdSeconds=" + holdSeconds + ", safeToDeleteAfter="
        + safeToDeleteAfter + ", lookBack=" + lookBack + "}";
  }
}
