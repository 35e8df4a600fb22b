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

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsRptSpec other && Objects.equals(rua, other.rua);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(rua);
  }

  @Override
  public String toString() {
    return "TlsRptSpec{rua=" + rua + "}";
  }
}
