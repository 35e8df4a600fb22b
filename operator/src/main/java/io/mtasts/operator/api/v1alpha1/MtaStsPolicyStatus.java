package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator observed and published for one policy.
 *
 * <p>{@link #equals} compares every field by value: the reconciler writes status only when the
 * status it computed differs from the one it read, so a no-op reconcile must compare equal.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "observedGeneration",
  "policyId",
  "policy",
  "rollout",
  "policyUrl",
  "dnsRecords",
  "certificate",
  "checks",
  "conditions",
  "shared",
  "retirement",
  "tlsRpt"
})
public class MtaStsPolicyStatus {

  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Id of the policy whose bytes are confirmed served; the id in DNS.")
  private String policyId;

  @JsonPropertyDescription("Exact policy file being served.")
  private String policy;

  @JsonPropertyDescription("The id allocated last and the bytes it is for; differs from policyId"
      + " while those bytes are rolling out.")
  private PolicyRollout rollout;

  @JsonPropertyDescription("URL the policy is served at.")
  private String policyUrl;

  @JsonPropertyDescription("DNS records the domain must publish.")
  private List<DnsRecord> dnsRecords;

  @JsonPropertyDescription("Certificate of the policy host.")
  private CertificateStatus certificate;

  @JsonPropertyDescription("Outcome of the last live verification, one entry per check.")
  private List<VerificationCheck> checks;

  @JsonPropertyDescription(
      "Ready, PolicyServed, CertificateReady, DnsRecordsVerified, Verified, Paused.")
  private List<Condition> conditions;

  @JsonPropertyDescription("What a shared policy server serves for this policy, written by the"
      + " operator before it checks that the server serves it.")
  private SharedPolicy shared;

  @JsonPropertyDescription("Retirement (RFC 8461 section 8.3): the policies senders may still"
      + " hold and, once mode none is advertised, when the resource may be deleted.")
  private PolicyRetirement retirement;

  @JsonPropertyDescription("TLS reports received at the shared server (spec.tlsRpt.receive),"
      + " summed over a window.")
  private TlsRptStatus tlsRpt;

  /** The condition of the given type, if present. */
  public Optional<Condition> condition(String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
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

  public PolicyRollout getRollout() {
    return rollout;
  }

  public void setRollout(PolicyRollout rollout) {
    this.rollout = rollout;
  }

  public String getPolicyUrl() {
    return policyUrl;
  }

  public void setPolicyUrl(String policyUrl) {
    this.policyUrl = policyUrl;
  }

  public List<DnsRecord> getDnsRecords() {
    return dnsRecords;
  }

  public void setDnsRecords(List<DnsRecord> dnsRecords) {
    this.dnsRecords = dnsRecords;
  }

  public CertificateStatus getCertificate() {
    return certificate;
  }

  public void setCertificate(CertificateStatus certificate) {
    this.certificate = certificate;
  }

  public List<VerificationCheck> getChecks() {
    return checks;
  }

  public void setChecks(List<VerificationCheck> checks) {
    this.checks = checks;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public SharedPolicy getShared() {
    return shared;
  }

  public void setShared(SharedPolicy shared) {
    this.shared = shared;
  }

  public PolicyRetirement getRetirement() {
    return retirement;
  }

  public void setRetirement(PolicyRetirement retirement) {
    this.retirement = retirement;
  }

  public TlsRptStatus getTlsRpt() {
    return tlsRpt;
  }

  public void setTlsRpt(TlsRptStatus tlsRpt) {
    this.tlsRpt = tlsRpt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MtaStsPolicyStatus other
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(policyId, other.policyId)
        && Objects.equals(policy, other.policy)
        && Objects.equals(rollout, other.rollout)
        && Objects.equals(policyUrl, other.policyUrl)
        && Objects.equals(dnsRecords, other.dnsRecords)
        && Objects.equals(certificate, other.certificate)
        && Objects.equals(checks, other.checks)
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(shared, other.shared)
        && Objects.equals(retirement, other.retirement)
        && Objects.equals(tlsRpt, other.tlsRpt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        policyId,
        policy,
        rollout,
        policyUrl,
        dnsRecords,
        certificate,
        checks,
        conditions,
        shared,
        retirement,
        tlsRpt);
  }

  @Override
  public String toString() {
    return "MtaStsPolicyStatus{observedGeneration="
        + observedGeneration
        + ", policyId="
        + policyId
        + ", rollout="
        + rollout
        + ", policyUrl="
        + policyUrl
        + ", dnsRecords="
        + dnsRecords
        + ", certificate="
        + certificate
        + ", checks="
        + checks
        + ", conditions="
        + conditions
        + ", shared="
        + shared
        + ", retirement="
        + retirement
        + "}";
  }
}
