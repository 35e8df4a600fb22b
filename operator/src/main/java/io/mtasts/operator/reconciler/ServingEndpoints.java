package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The endpoints of the policy Service that must serve the new bytes before its id is advertised,
 * read from the Service's EndpointSlices: every ready endpoint (it receives requests now) and
 * every terminating one (an ingress controller may still send it requests over an open
 * connection until it is gone). An endpoint that is neither ready nor terminating receives no
 * requests and is left out.
 */
public final class ServingEndpoints {

  /** The label that ties an EndpointSlice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private ServingEndpoints() {}

  /**
   * The endpoints of {@code service} for its port named {@code portName}, from {@code slices}
   * (slices of other Services are ignored), each address once, in a stable order. Only the
   * first address of an endpoint counts, as for kube-proxy; FQDN slices are ignored, since
   * kube-proxy never sends to them.
   */
  public static List<ServingEndpoint> of(
      String service, String portName, Collection<EndpointSlice> slices) {
    Map<String, ServingEndpoint> found = new LinkedHashMap<>();
    for (EndpointSlice slice : slices) {
      var labels = slice.getMetadata().getLabels();
      if (labels == null || !service.equals(labels.get(SERVICE_NAME_LABEL))
          || !("IPv4".equals(slice.getAddressType()) || "IPv6".equals(slice.getAddressType()))) {
        continue;
      }
      Integer port = portOf(slice, portName);
      if (port == null || slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints()) {
        if (endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
          continue;
        }
        EndpointConditions conditions = endpoint.getConditions();
        // the API's rules: ready unset means ready, terminating unset means not terminating
        boolean terminating = conditions != null
            && Boolean.TRUE.equals(conditions.getTerminating());
        boolean ready = conditions == null || conditions.getReady() == null
            || conditions.getReady();
        if (!ready && !terminating) {
          continue;
        }
        String pod = endpoint.getTargetRef() == null ? null : endpoint.getTargetRef().getName();
        ServingEndpoint e =
            new ServingEndpoint(endpoint.getAddresses().get(0), port, pod, terminating);
        found.merge(e.hostAndPort(), e, (a, b) -> a.terminating() ? a : b);
      }
    }
    List<ServingEndpoint> out = new ArrayList<>(found.values());
    out.sort(Comparator.comparing(ServingEndpoint::hostAndPort));
    return out;
  }

  private static Integer portOf(EndpointSlice slice, String portName) {
    if (slice.getPorts() == null) {
      return null;
    }
    for (EndpointPort p : slice.getPorts()) {
      if (Objects.equals(portName, p.getName()) && p.getPort() != null) {
        return p.getPort();
      }
    }
    return null;
  }
}
