package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.ExposureSpec;
import io.mtasts.operator.api.v1alpha1.ExposureType;
import io.mtasts.operator.api.v1alpha1.GatewayExposureSpec;
import io.mtasts.operator.api.v1alpha1.GatewayListener;
import java.util.Objects;
import java.util.Optional;

/**
 * How a plan exposes its policy host, resolved from the resource's {@code spec.exposure} or, when
 * it says nothing, the operator's default: an Ingress, or an HTTPRoute on a Gateway.
 *
 * @param gateway the Gateway and listener choice; empty for an Ingress
 */
public record PolicyExposure(Optional<GatewayTarget> gateway) {

  /** Name of the HTTPS listener in the operator's ListenerSet. */
  public static final String LISTENER_NAME = "mta-sts";

  /**
   * A Gateway, with its namespace resolved (the resource's own when none is named).
   *
   * @param sectionName the Gateway listener the route attaches to; empty for every matching one
   * @param port port of the ListenerSet's HTTPS listener
   */
  public record GatewayTarget(String name, String namespace, GatewayListener listener,
      Optional<String> sectionName, int port) {}

  public static PolicyExposure ingress() {
    return new PolicyExposure(Optional.empty());
  }

  /** Resolves a valid spec (or the operator's default) for a resource in {@code namespace}. */
  static PolicyExposure of(ExposureSpec spec, String namespace) {
    if (spec == null || spec.getType() != ExposureType.GATEWAY) {
      return ingress();
    }
    GatewayExposureSpec gateway = spec.getGateway();
    String gatewayNamespace = gateway.getNamespace() == null || gateway.getNamespace().isEmpty()
        ? namespace : gateway.getNamespace();
    return new PolicyExposure(Optional.of(new GatewayTarget(gateway.getName(), gatewayNamespace,
        gateway.effectiveListener(),
        Optional.ofNullable(gateway.getSectionName()).filter(s -> !s.isEmpty()),
        gateway.effectivePort())));
  }

  public boolean isGateway() {
    return gateway.isPresent();
  }

  public boolean usesListenerSet() {
    return gateway.map(g -> g.listener() == GatewayListener.LISTENER_SET).orElse(false);
  }

  /** Whether a listener of the Gateway, with its own certificate, terminates TLS for the host. */
  public boolean certificateFromGateway() {
    return gateway.map(g -> g.listener() == GatewayListener.WILDCARD_LISTENER).orElse(false);
  }

  /**
   * Whether a Gateway in another namespace reads the policy's certificate Secret: its owner added
   * a listener for the host whose certificateRefs name that Secret, which Gateway API allows only
   * with a ReferenceGrant in the Secret's namespace.
   */
  public boolean grantsSecretTo(String policyNamespace) {
    return gateway.map(g -> g.listener() == GatewayListener.HOST_LISTENER
        && !Objects.equals(g.namespace(), policyNamespace)).orElse(false);
  }

  @Override
  public String toString() {
    return gateway.map(g -> "Gateway " + g.namespace() + "/" + g.name() + " (" + g.listener()
        + g.sectionName().map(s -> ", section " + s).orElse("") + ")").orElse("Ingress");
  }
}
