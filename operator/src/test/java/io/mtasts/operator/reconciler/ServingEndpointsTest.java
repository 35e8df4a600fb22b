package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which addresses of the Service's EndpointSlices must serve the new policy. */
class ServingEndpointsTest {

  private static Endpoint endpoint(String address, Boolean ready, Boolean terminating) {
    return new EndpointBuilder().withAddresses(address)
        .withNewConditions().withReady(ready).withServing(ready).withTerminating(terminating)
        .endConditions()
        .withNewTargetRef().withKind("Pod").withName("pod-" + address.replace('.', '-'))
        .endTargetRef()
        .build();
  }

  private static EndpointSlice slice(String service, String type, String portName, int port,
      Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata().withName(service + "-" + type + port)
        .addToLabels(ServingEndpoints.SERVICE_NAME_LABEL, service).endMetadata()
        .withAddressType(type)
        .addNewPort().withName(portName).withPort(port).withProtocol("TCP").endPort()
        .withEndpoints(endpoints)
        .build();
  }

  @Test
  void readyAndTerminatingEndpointsAreProbedOthersAreNot() {
    List<ServingEndpoint> found = ServingEndpoints.of("mta-sts-example", "http", List.of(
        slice("mta-sts-example", "IPv4", "http", 8080,
            endpoint("10.0.0.1", true, false),
            endpoint("10.0.0.2", false, true),
            endpoint("10.0.0.3", false, false),
            endpoint("10.0.0.4", null, null))));
    assertThat(found).containsExactly(
        new ServingEndpoint("10.0.0.1", 8080, "pod-10-0-0-1", false),
        new ServingEndpoint("10.0.0.2", 8080, "pod-10-0-0-2", true),
        new ServingEndpoint("10.0.0.4", 8080, "pod-10-0-0-4", false));
  }

  @Test
  void otherServicesOtherPortsAndFqdnSlicesAreIgnored() {
    List<ServingEndpoint> found = ServingEndpoints.of("mta-sts-example", "http", List.of(
        slice("other", "IPv4", "http", 8080, endpoint("10.0.0.1", true, false)),
        slice("mta-sts-example", "IPv4", "metrics", 9090, endpoint("10.0.0.2", true, false)),
        slice("mta-sts-example", "FQDN", "http", 8080, endpoint("pod.example", true, false)),
        slice("mta-sts-example", "IPv6", "http", 8080, endpoint("fd00::5", true, false))));
    assertThat(found).containsExactly(new ServingEndpoint("fd00::5", 8080, "pod-fd00::5", false));
    assertThat(found.get(0).describe()).isEqualTo("[fd00::5]:8080 (pod pod-fd00::5)");
  }

  @Test
  void anAddressListedInTwoSlicesIsProbedOnce() {
    List<ServingEndpoint> found = ServingEndpoints.of("mta-sts-example", "http", List.of(
        slice("mta-sts-example", "IPv4", "http", 8080, endpoint("10.0.0.1", true, false)),
        slice("mta-sts-example", "IPv4", "http", 8081, endpoint("10.0.0.1", true, false)),
        slice("mta-sts-example", "IPv4", "http", 8080, endpoint("10.0.0.1", false, true))));
    assertThat(found).containsExactly(
        new ServingEndpoint("10.0.0.1", 8080, "pod-10-0-0-1", true),
        new ServingEndpoint("10.0.0.1", 8081, "pod-10-0-0-1", false));
  }

  @Test
  void noSliceMeansNoEndpoint() {
    assertThat(ServingEndpoints.of("mta-sts-example", "http", List.of())).isEmpty();
  }
}
