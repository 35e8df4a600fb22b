package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/** Where senders send their TLS reports; rendered as the {@code _smtp._tls} TXT record. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsRptSpec {

  @Required
  @Size(min = 1, max = SpecConstraints.RUA_MAX_ITEMS)
  @JsonPropertyDescription(
      "Report destinations (RFC 8460 rua), each a mailto: or https: URI; commas, semicolons and"
          + " exclamation marks must be percent-encoded.")
  private List<@Pattern(SpecConstraints.RUA) String> rua;

  @JsonPropertyDescription(
      "Receive reports at the shared policy server (spec.server.ref): adds"
          + " https://mta-sts.<domain>/tlsrpt to the published rua, and the received reports"
          + " become metrics, status.tlsRpt and Events of this policy.")
  private Boolean receive;

  public TlsRptSpec() {}

  public TlsRptSpec(List<String> rua) {
    this.rua = rua;
  }

  public List<String> getRua() {
    return rua;
  }

  public void setRua(List<String> rua) {
    this.rua = rua;
  }

  public Boolean getReceive() {
    return receive;
  }

  public void setReceive(Boolean receive) {
    this.receive = receive;
  }

  /** Whether reports are received at the shared server; false when unset. */
  public boolean effectiveReceive() {
    return Boolean.TRUE.equals(receive);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsRptSpec other && Objects.equals(rua, other.rua)
        && Objects.equals(receive, other.receive);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rua, receive);
  }

  @Override
  public String toString() {
    return "TlsRptSpec{rua=" + rua + ", receive=" + receive + "}";
  }
}
