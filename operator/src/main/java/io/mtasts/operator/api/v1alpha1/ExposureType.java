package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Which API carries HTTPS traffic for the policy host to the policy web server. */
public enum ExposureType {
  @JsonProperty("Ingress")
  INGRESS("Ingress"),
  @JsonProperty("Gateway")
  GATEWAY("Gateway"),
  /** Any other value, from a resource that skipped the CRD's validation; see Mode.UNRECOGNIZED. */
  @JsonIgnore
  UNRECOGNIZED("");

  private final String value;

  ExposureType(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  /** How Jackson reads a type: never fails, unknown values become {@link #UNRECOGNIZED}. */
  @JsonCreator
  static ExposureType fromJson(String value) {
    for (ExposureType type : values()) {
      if (type != UNRECOGNIZED && type.value.equals(value)) {
        return type;
      }
    }
    return UNRECOGNIZED;
  }

  /** Parses the wire value, case-sensitively. */
  public static ExposureType fromValue(String value) {
    ExposureType type = fromJson(value);
    if (type == UNRECOGNIZED) {
      throw new IllegalArgumentException(
          "unknown exposure type '" + value + "'; expected Ingress or Gateway");
    }
    return type;
  }

  @Override
  public String toString() {
    return value;
  }
}
