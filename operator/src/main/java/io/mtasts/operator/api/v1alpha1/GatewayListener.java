package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which Gateway listener terminates TLS for the policy host, and so who provides it: the
 * operator (a ListenerSet of its own) or the Gateway's owner (a listener on the Gateway).
 */
public enum GatewayListener {
  /** The operator creates a ListenerSet with an HTTPS listener for the host and its Secret. */
  @JsonProperty("ListenerSet")
  LISTENER_SET("ListenerSet"),
  /**
   * The Gateway has a listener for exactly the host, added by its owner, whose certificateRefs
   * name the policy's Secret; the operator grants that read when it crosses namespaces.
   */
  @JsonProperty("HostListener")
  HOST_LISTENER("HostListener"),
  /** A listener of the Gateway with its own (wildcard) certificate covers the host. */
  @JsonProperty("WildcardListener")
  WILDCARD_LISTENER("WildcardListener"),
  /** Any other value, from a resource that skipped the CRD's validation; see Mode.UNRECOGNIZED. */
  @JsonIgnore
  UNRECOGNIZED("");

  private final String value;

  GatewayListener(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  /** How Jackson reads a value: never fails, unknown values become {@link #UNRECOGNIZED}. */
  @JsonCreator
  static GatewayListener fromJson(String value) {
    for (GatewayListener listener : values()) {
      if (listener != UNRECOGNIZED && listener.value.equals(value)) {
        return listener;
      }
    }
    return UNRECOGNIZED;
  }

  /** Parses the wire value, case-sensitively. */
  public static GatewayListener fromValue(String value) {
    GatewayListener listener = fromJson(value);
    if (listener == UNRECOGNIZED) {
      throw new IllegalArgumentException("unknown gateway listener '" + value
          + "'; expected ListenerSet, HostListener or WildcardListener");
    }
    return listener;
  }

  @Override
  public String toString() {
    return value;
  }
}
