package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.Objects;

/** Whether the operator publishes the domain's TXT records itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DnsSpec {

  @Default(SpecDefaults.EXTERNAL_DNS_TEXT)
  @JsonPropertyDescription(
      "Also create an external-dns DNSEndpoint with the TXT records (needs external-dns with the"
          + " CRD source). The records are always reported in status.dnsRecords.")
  private Boolean externalDns;

  public DnsSpec() {}

  public DnsSpec(Boolean externalDns) {
    this.externalDns = externalDns;
  }

  public boolean effectiveExternalDns() {
    return externalDns != null ? externalDns : SpecDefaults.EXTERNAL_DNS;
  }

  public Boolean getExternalDns() {
    return externalDns;
  }

  public void setExternalDns(Boolean externalDns) {
    this.externalDns = externalDns;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DnsSpec other && Objects.equals(externalDns, other.externalDns);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(externalDns);
  }

  @Override
  public String toString() {
    return "DnsSpec{externalDns=" + externalDns + "}";
  }
}
