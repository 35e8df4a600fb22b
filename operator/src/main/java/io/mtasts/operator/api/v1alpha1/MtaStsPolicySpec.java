package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What the user asks for: one mail domain's MTA-STS policy and how to serve, publish and verify
 * it.
 *
 * <p>Every optional field may be null (a CR read from a file never went through the API server's
 * defaulting), so code reads values through the {@code effective...()} accessors, which fall back
 * to {@link SpecDefaults}.
 */
@ValidationRule(
    value = "(has(self.mode) && self.mode == 'none') || (has(self.mx) && size(self.mx) > 0)",
    message = "spec.mx must list at least one MX host pattern unless spec.mode is none",
    fieldPath = ".mx",
    reason = "FieldValueRequired")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "domain", "mode", "mx", "maxAge", "tlsRpt", "ingress", "tls", "server", "dns", "verification",
  "exposure"
})
public class MtaStsPolicySpec {

  @Required
  @Pattern(SpecConstraints.DOMAIN)
  @Size(max = SpecConstraints.DOMAIN_MAX_LENGTH)
  // Senders cache a policy per domain: changed in place, the old domain's host would vanish
  // before it could publish mode none (RFC 8461 section 8.3), so a move is a new resource.
  @ValidationRule(
      value = SpecConstraints.DOMAIN_IMMUTABLE_RULE,
      message = SpecConstraints.DOMAIN_IMMUTABLE_MESSAGE)
  @JsonPropertyDescription(
      "Mail domain, as a lower-case A-label without trailing dot; the policy is served at"
          + " https://mta-sts.<domain>/.well-known/mta-sts.txt.")
  private String domain;

  @Default(SpecDefaults.MODE)
  @JsonPropertyDescription("Policy mode: enforce, testing or none (to retire a policy).")
  private Mode mode;

  @Size(max = SpecConstraints.MX_MAX_ITEMS)
  @JsonPropertyDescription(
      "MX host patterns (RFC 8461): lower-case host names, optionally starting with '*.' to match"
          + " exactly one more label. Required unless mode is none.")
  private List<@Pattern(SpecConstraints.MX) @Size(max = SpecConstraints.MX_MAX_LENGTH) String> mx;

  @Min(SpecConstraints.MAX_AGE_MIN_SECONDS)
  @Max(SpecConstraints.MAX_AGE_MAX_SECONDS)
  @Default(SpecDefaults.MAX_AGE_SECONDS_TEXT)
  @JsonPropertyDescription("Seconds senders may cache the policy (max_age), 0 to 31557600.")
  private Long maxAge;

  @JsonPropertyDescription("TLS reporting; when set, the _smtp._tls TXT record is rendered.")
  private TlsRptSpec tlsRpt;

  @JsonPropertyDescription("Settings passed through to the policy host's Ingress.")
  private IngressSpec ingress;

  @JsonPropertyDescription("Certificate of the policy host.")
  private TlsSpec tls;

  @JsonPropertyDescription("Overrides for the policy web server.")
  private ServerSpec server;

  @JsonPropertyDescription("Publishing of the DNS records.")
  private DnsSpec dns;

  @JsonPropertyDescription("Live verification of the published setup.")
  private VerificationSpec verification;

  @JsonPropertyDescription(
      "How the policy host is exposed: an Ingress or a Gateway API HTTPRoute. Empty means the"
          + " operator's default (an Ingress unless the operator is configured otherwise).")
  private ExposureSpec exposure;

  /** The mode, or the default when the CR did not pass through defaulting. */
  public Mode effectiveMode() {
    return mode != null ? mode : Mode.fromValue(SpecDefaults.MODE);
  }

  /** The mx patterns in the order given; empty, never null, when there are none. */
  public List<String> effectiveMx() {
    return mx != null ? Collections.unmodifiableList(new ArrayList<>(mx)) : List.of();
  }

  public long effectiveMaxAge() {
    return maxAge != null ? maxAge : SpecDefaults.MAX_AGE_SECONDS;
  }

  /** The TLS-RPT report URIs; empty when no TLS-RPT record is wanted. */
  public List<String> effectiveRua() {
    return tlsRpt != null && tlsRpt.getRua() != null
        ? Collections.unmodifiableList(new ArrayList<>(tlsRpt.getRua()))
        : List.of();
  }

  public int effectiveReplicas() {
    return server != null ? server.effectiveReplicas() : SpecDefaults.SERVER_REPLICAS;
  }

  public boolean effectiveExternalDns() {
    return dns != null ? dns.effectiveExternalDns() : SpecDefaults.EXTERNAL_DNS;
  }

  public boolean effectiveVerificationEnabled() {
    return verification != null
        ? verification.effectiveEnabled()
        : SpecDefaults.VERIFICATION_ENABLED;
  }

  public boolean effectiveProbeMx() {
    return verification != null ? verification.effectiveProbeMx() : SpecDefaults.PROBE_MX;
  }

  public String getDomain() {
    return domain;
  }

  public void setDomain(String domain) {
    this.domain = domain;
  }

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public List<String> getMx() {
    return mx;
  }

  public void setMx(List<String> mx) {
    this.mx = mx;
  }

  public Long getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(Long maxAge) {
    this.maxAge = maxAge;
  }

  public TlsRptSpec getTlsRpt() {
    return tlsRpt;
  }

  public void setTlsRpt(TlsRptSpec tlsRpt) {
    this.tlsRpt = tlsRpt;
  }

  public IngressSpec getIngress() {
    return ingress;
  }

  public void setIngress(IngressSpec ingress) {
    this.ingress = ingress;
  }

  public TlsSpec getTls() {
    return tls;
  }

  public void setTls(TlsSpec tls) {
    this.tls = tls;
  }

  public ServerSpec getServer() {
    return server;
  }

  public void setServer(ServerSpec server) {
    this.server = server;
  }

  public DnsSpec getDns() {
    return dns;
  }

  public void setDns(DnsSpec dns) {
    this.dns = dns;
  }

  public VerificationSpec getVerification() {
    return verification;
  }

  public void setVerification(VerificationSpec verification) {
    this.verification = verification;
  }

  public ExposureSpec getExposure() {
    return exposure;
  }

  public void setExposure(ExposureSpec exposure) {
    this.exposure = exposure;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MtaStsPolicySpec other
        && Objects.equals(domain, other.domain)
        && mode == other.mode
        && Objects.equals(mx, other.mx)
        && Objects.equals(maxAge, other.maxAge)
        && Objects.equals(tlsRpt, other.tlsRpt)
        && Objects.equals(ingress, other.ingress)
        && Objects.equals(tls, other.tls)
        && Objects.equals(server, other.server)
        && Objects.equals(dns, other.dns)
        && Objects.equals(verification, other.verification)
        && Objects.equals(exposure, other.exposure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        domain, mode, mx, maxAge, tlsRpt, ingress, tls, server, dns, verification, exposure);
  }

  @Override
  public String toString() {
    return "MtaStsPolicySpec{domain="
        + domain
        + ", mode="
        + mode
        + ", mx="
        + mx
        + ", maxAge="
        + maxAge
        + ", tlsRpt="
        + tlsRpt
        + ", ingress="
        + ingress
        + ", tls="
        + tls
        + ", server="
        + server
        + ", dns="
        + dns
        + ", verification="
        + verification
        + ", exposure="
        + exposure
        + "}";
  }
}
