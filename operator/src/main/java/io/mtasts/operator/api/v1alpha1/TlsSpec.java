package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** How the policy host {@code mta-sts.<domain>} gets its certificate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsSpec {

  @JsonPropertyDescription(
      "cert-manager issuer; when set (and cert-manager is installed) the operator creates a"
          + " Certificate that writes secretName.")
  private IssuerRef issuerRef;

  @JsonPropertyDescription(
      "Secret holding the policy host's certificate: an existing Secret, or the one cert-manager"
          + " writes when issuerRef is set.")
  private String secretName;

  public TlsSpec() {}

  public TlsSpec(IssuerRef issuerRef, String secretName) {
    this.issuerRef = issuerRef;
    this.secretName = secretName;
  }

  public IssuerRef getIssuerRef() {
    return issuerRef;
  }

  public void setIssuerRef(IssuerRef issuerRef) {
    this.issuerRef = issuerRef;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsSpec other
        && Objects.equals(issuerRef, other.issuerRef)
        && Objects.equals(secretName, other.secretName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(issuerRef, secretName);
  }

  @Override
  public String toString() {
    return "TlsSpec{issuerRef=" + issuerRef + ", secretName=" + secretName + "}";
  }
}
