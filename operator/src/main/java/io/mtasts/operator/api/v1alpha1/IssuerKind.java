package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The two kinds of cert-manager issuer a Certificate can reference. */
public enum IssuerKind {
  @JsonProperty("Issuer")
  ISSUER("Issuer"),
  @JsonProperty("ClusterIssuer")
  CLUSTER_ISSUER("ClusterIssuer"),
  /** Any other value, from a resource that skipped the CRD's validation; see Mode.UNRECOGNIZED. */
  @JsonIgnore
  UNRECOGNIZED("");

  private final String value;

  IssuerKind(String value) {
    this.value = value;
  }

  /** The kind as cert-manager spells it in {@code issuerRef.kind}. */
  public String value() {
    return value;
  }

  /** How Jackson reads a kind: never fails, unknown values become {@link #UNRECOGNIZED}. */
  @JsonCreator
  static IssuerKind fromJson(String value) {
    for (IssuerKind kind : values()) {
      if (kind != UNRECOGNIZED && kind.value.equals(value)) {
        return kind;
      }
    }
    return UNRECOGNIZED;
  }

  /** Parses the wire value, case-sensitively as cert-manager does. */
  public static IssuerKind fromValue(String value) {
    for (IssuerKind kind : values()) {
      if (kind != UNRECOGNIZED && kind.value.equals(value)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "unknown issuer kind '" + value + "'; expected Issuer or ClusterIssuer");
  }

  @Override
  public String toString() {
    return value;
  }
}
