package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The policy id the operator allocated last, and for which bytes. It is written before those
 * bytes reach the web server, so the id survives restarts and leader changes; once the bytes are
 * served it equals {@code status.policyId}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"policyId", "policySha256", "allocatedAt"})
public class PolicyRollout {

  @JsonPropertyDescription("Id allocated for the policy being (or last) rolled out; it goes into"
      + " DNS once those bytes are served.")
  private String policyId;

  @JsonPropertyDescription("Lower-case hex SHA-256 of the policy bytes the id was allocated for.")
  private String policySha256;

  @JsonPropertyDescription("When the id was allocated, RFC 3339; a later id is always allocated"
      + " after it.")
  private String allocatedAt;

  public PolicyRollout() {}

  public PolicyRollout(String policyId, String policySha256, String allocatedAt) {
    this.policyId = policyId;
    this.policySha256 = policySha256;
    this.allocatedAt = allocatedAt;
  }

  public String getPolicyId() {
    return policyId;
  }

  public void setPolicyId(String policyId) {
    this.policyId = policyId;
  }

  public String getPolicySha256() {
    return policySha256;
  }

  public void setPolicySha256(String policySha256) {
    this.policySha256 = policySha256;
  }

  public String getAllocatedAt() {
    return allocatedAt;
  }

  public void setAllocatedAt(String allocatedAt) {
    this.allocatedAt = allocatedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyRollout other
        && Objects.equals(policyId, other.policyId)
        && Objects.equals(policySha256, other.policySha256)
        && Objects.equals(allocatedAt, other.allocatedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(policyId, policySha256, allocatedAt);
  }

  @Override
  public String toString() {
    return "PolicyRollout{policyId=" + policyId + ", policySha256=" + policySha256
        + ", allocatedAt=" + allocatedAt + "}";
  }
}
