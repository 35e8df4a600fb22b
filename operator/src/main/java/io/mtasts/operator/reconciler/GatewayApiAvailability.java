package io.mtasts.operator.reconciler;

import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.plan.ChildKind;
import io.mtasts.operator.plan.PolicyPlan;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Whether the operator can expose a plan the way it asks: a plan exposed through a Gateway needs
 * the operator's Gateway API support enabled and the CRDs of its Gateway API children installed.
 * When it cannot, nothing is changed (an Ingress that serves the host stays) and the resource says
 * what is missing, rather than the workflow failing on an API the cluster does not serve.
 */
public final class GatewayApiAvailability {

  /** Why the plan cannot be exposed: a condition reason and a message naming the fix. */
  public record Missing(String reason, String message) {}

  private GatewayApiAvailability() {}

  public static Optional<Missing> check(PolicyPlan plan, boolean enabled, CrdPresence crds) {
    if (!plan.exposure().isGateway()) {
      return Optional.empty();
    }
    if (!enabled) {
      return Optional.of(new Missing(ConditionReasons.GATEWAY_API_DISABLED,
          "the policy is to be exposed through " + plan.exposure() + " but the operator runs"
              + " without Gateway API support; enable it (Helm value gatewayApi.enabled=true,"
              + " MTASTS_GATEWAY_API=true) or set spec.exposure.type to Ingress. Nothing was"
              + " changed"));
    }
    List<String> absent = Arrays.stream(ChildKind.values())
        .filter(kind -> kind.isGatewayApi() && kind.isWantedBy(plan))
        .map(kind -> kind.crd().orElseThrow())
        .filter(crd -> !crds.isInstalled(crd))
        .toList();
    if (absent.isEmpty()) {
      return Optional.empty();
    }
    String hint = absent.contains(ChildKind.LISTENER_SET.crd().orElseThrow())
        ? " (ListenerSet is in the standard channel from Gateway API v1.5; with an older Gateway"
            + " API set spec.exposure.gateway.listener to HostListener or WildcardListener)"
        : "";
    return Optional.of(new Missing(ConditionReasons.GATEWAY_API_NOT_INSTALLED,
        "the policy is to be exposed through " + plan.exposure() + " but the Gateway API CRD "
            + String.join(", ", absent) + " is not installed in this cluster" + hint
            + "; install the Gateway API CRDs, or set spec.exposure.type to Ingress. Nothing was"
            + " changed"));
  }
}
