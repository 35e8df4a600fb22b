package io.mtasts.operator.reconciler;

import io.mtasts.operator.api.v1alpha1.IssuerRef;
import io.mtasts.operator.plan.GatewayApiSettings;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.TenantLimits;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator-wide defaults the reconciler applies where a custom resource is silent.
 *
 * @param webServerImage image of the policy web server
 * @param ingressClass ingress class for policy hosts; empty means the cluster default
 * @param defaultIssuer cert-manager issuer used when a resource names none
 * @param rolloutRecheck how soon to look again while a new policy is rolling out
 * @param verifyInterval time between live verifications when a resource sets none
 * @param limits what a resource may ask of the operator; a spec beyond them is invalid
 * @param gatewayApi whether Gateway API kinds may be used, and the default exposure
 */
public record ReconcilerSettings(
    String webServerImage,
    String ingressClass,
    Optional<IssuerRef> defaultIssuer,
    Duration rolloutRecheck,
    Duration verifyInterval,
    TenantLimits limits,
    GatewayApiSettings gatewayApi) {

  public ReconcilerSettings {
    Objects.requireNonNull(webServerImage, "webServerImage");
    Objects.requireNonNull(ingressClass, "ingressClass");
    Objects.requireNonNull(defaultIssuer, "defaultIssuer");
    Objects.requireNonNull(rolloutRecheck, "rolloutRecheck");
    Objects.requireNonNull(verifyInterval, "verifyInterval");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(gatewayApi, "gatewayApi");
  }

  /** Settings without Gateway API support. */
  public ReconcilerSettings(String webServerImage, String ingressClass,
      Optional<IssuerRef> defaultIssuer, Duration rolloutRecheck, Duration verifyInterval,
      TenantLimits limits) {
    this(webServerImage, ingressClass, defaultIssuer, rolloutRecheck, verifyInterval, limits,
        GatewayApiSettings.disabled());
  }

  /** Settings with the default limits. */
  public ReconcilerSettings(String webServerImage, String ingressClass,
      Optional<IssuerRef> defaultIssuer, Duration rolloutRecheck, Duration verifyInterval) {
    this(webServerImage, ingressClass, defaultIssuer, rolloutRecheck, verifyInterval,
        TenantLimits.defaults());
  }

  /** The part of the settings that shapes the children. */
  public PlanSettings plan() {
    return new PlanSettings(webServerImage, ingressClass, defaultIssuer, limits, gatewayApi);
  }

  public static ReconcilerSettings defaults() {
    return new ReconcilerSettings(
        PlanSettings.DEFAULT_WEB_SERVER_IMAGE, "", Optional.empty(), Duration.ofSeconds(10),
        Duration.ofMinutes(15));
  }
}
