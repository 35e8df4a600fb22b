package io.mtasts.operator.reconciler;

import java.util.Objects;

/**
 * One address the policy Service sends (or, while it terminates, may still send) requests to, as
 * an EndpointSlice lists it: the pod's address and the port the Service's target port resolves
 * to on that pod.
 *
 * @param address the IP address, as written in the EndpointSlice
 * @param port the endpoint's port for the Service's port
 * @param pod the name of the pod behind it, or null when the slice names none
 * @param terminating whether the pod is shutting down
 */
public record ServingEndpoint(String address, int port, String pod, boolean terminating) {

  public ServingEndpoint {
    Objects.requireNonNull(address, "address");
  }

  /** {@code address:port}, IPv6 addresses in brackets. */
  public String hostAndPort() {
    return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
  }

  /** How messages name it: {@code 10.0.0.5:8080 (pod web-1, terminating)}. */
  public String describe() {
    String who = pod == null ? "" : "pod " + pod;
    String state = terminating ? "terminating" : "";
    String detail = who.isEmpty() || state.isEmpty() ? who + state : who + ", " + state;
    return hostAndPort() + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
