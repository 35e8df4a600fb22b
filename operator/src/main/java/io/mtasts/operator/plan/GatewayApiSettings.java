package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.ExposureSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's Gateway API settings.
 *
 * @param enabled whether the operator may use Gateway API kinds at all; off, it starts no
 *     informer for them and needs no RBAC for them, and a resource asking for a Gateway is told
 * @param defaultExposure the exposure of resources without {@code spec.exposure}; empty means an
 *     Ingress
 */
public record GatewayApiSettings(boolean enabled, Optional<ExposureSpec> defaultExposure) {

  public GatewayApiSettings {
    Objects.requireNonNull(defaultExposure, "defaultExposure");
  }

  public static GatewayApiSettings disabled() {
    return new GatewayApiSettings(false, Optional.empty());
  }
}
