package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** The policy host's certificate as last observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"secretName", "notAfter", "ready"})
public class CertificateStatus {

  @JsonPropertyDescription("Secret the certificate is read from.")
  private String secretName;

  @JsonPropertyDescription("Expiry of the certificate, RFC 3339.")
  private String notAfter;

  @JsonPropertyDescription("Whether a valid certificate for mta-sts.<domain> is in the Secret.")
  private Boolean ready;

  public CertificateStatus() {}

  public CertificateStatus(String secretName, String notAfter, Boolean ready) {
    this.secretName = secretName;
    this.notAfter = notAfter;
    this.ready = ready;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getNotAfter() {
    return notAfter;
  }

  public void setNotAfter(String notAfter) {
    this.notAfter = notAfter;
  }

  public Boolean getReady() {
    return ready;
  }

  public void setReady(Boolean ready) {
    this.ready = ready;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CertificateStatus other
        && Objects.equals(secretName, other.secretName)
        && Objects.equals(notAfter, other.notAfter)
        && Objects.equals(ready, other.ready);
  }

  @Override
  public int hashCode() {
    return Objects.hash(secretName, notAfter, ready);
  }

  @Override
  public String toString() {
    return "CertificateStatus{secretName="
        + secretName
        + ", notAfter="
        + notAfter
        + ", ready="
        + ready
        + "}";
  }
}
