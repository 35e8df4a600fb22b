package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.IssuerRef;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator-wide defaults a plan applies where a custom resource is silent. They are all the
 * plan needs of the operator's configuration, so {@code render} can build the same children
 * without the reconciler.
 *
 * @param webServerImage image of the policy web server
 * @param ingressClass ingress class for policy hosts; empty means the cluster default
 * @param defaultIssuer cert-manager issuer used when a resource names none
 * @param limits what a resource may ask of the operator; a spec beyond them is invalid
 * @param gatewayApi whether Gateway API kinds may be used, and the default exposure
 */
public record PlanSettings(
    String webServerImage,
    String ingressClass,
    Optional<IssuerRef> defaultIssuer,
    TenantLimits limits,
    GatewayApiSettings gatewayApi) {

  public static final String DEFAULT_WEB_SERVER_IMAGE = "nginxinc/nginx-unprivileged:1.29-alpine";

  public PlanSettings {
    Objects.requireNonNull(webServerImage, "webServerImage");
    Objects.requireNonNull(ingressClass, "ingressClass");
    Objects.requireNonNull(defaultIssuer, "defaultIssuer");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(gatewayApi, "gatewayApi");
  }

  /** Settings without Gateway API support. */
  public PlanSettings(String webServerImage, String ingressClass,
      Optional<IssuerRef> defaultIssuer, TenantLimits limits) {
    this(webServerImage, ingressClass, defaultIssuer, limits, GatewayApiSettings.disabled());
  }

  /** Settings with the default limits. */
  public PlanSettings(String webServerImage, String ingressClass,
      Optional<IssuerRef> defaultIssuer) {
    this(webServerImage, ingressClass, defaultIssuer, TenantLimits.defaults());
  }

  public static PlanSettings defaults() {
    return new PlanSettings(DEFAULT_WEB_SERVER_IMAGE, "", Optional.empty());
  }
}
