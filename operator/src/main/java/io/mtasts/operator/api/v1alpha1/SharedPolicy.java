package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The bytes a shared policy server is to serve for one policy, as the operator validated them.
 *
 * <p>The handover lives in status rather than in spec, a ConfigMap or a Secret because only the
 * operator's service account may write the status subresource: the chart grants patch/update on
 * {@code mtastspolicies/status} to that account alone, and the API server drops status changes
 * sent to the main resource, so users who may edit policies cannot change what is served. A
 * server that trusts only this field therefore serves only bytes the operator checked, and needs
 * nothing but get/list/watch on {@code mtastspolicies}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"server", "domain", "policyId", "policy"})
public class SharedPolicy {

  @JsonPropertyDescription("The MtaStsPolicyServer that serves these bytes, NAMESPACE/NAME.")
  private String server;

  @JsonPropertyDescription("Mail domain; the bytes are served for mta-sts.<domain>.")
  private String domain;

  @JsonPropertyDescription("Id of the policy these bytes are; advertised only once every ready"
      + " server endpoint serves them.")
  private String policyId;

  @JsonPropertyDescription("Exact policy file the server answers with.")
  private String policy;

  public SharedPolicy() {}

  public SharedPolicy(String server, String domain, String policyId, String policy) {
    this.server = server;
    this.domain = domain;
    this.policyId = policyId;
    this.policy = policy;
  }

  public String getServer() {
    return server;
  }

  public void setServer(String server) {
    this.server = server;
  }

  public String getDomain() {
    return domain;
  }

  public void setDomain(String domain) {
    this.domain = domain;
  }

  public String getPolicyId() {
    return policyId;
  }

  public void setPolicyId(String policyId) {
    this.policyId = policyId;
  }

  public String getPolicy() {
    return policy;
  }

  public void setPolicy(String policy) {
    this.policy = policy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SharedPolicy other
        && Objects.equals(server, other.server)
        && Objects.equals(domain, other.domain)
        && Objects.equals(policyId, other.policyId)
        && Objects.equals(policy, other.policy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(server, domain, policyId, policy);
  }

  @Override
  public String toString() {
    return "SharedPolicy{server=" + server + ", domain=" + domain + ", policyId=" + policyId + "}";
  }
}
