package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.ExposureSpec;
import io.mtasts.operator.api.v1alpha1.ExposureType;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicySpec;
import java.util.List;

/**
 * What a policy served by a shared server may ask for in how it is exposed. A shared server's
 * hosts are Ingresses in the server's namespace; an HTTPRoute there is not made, so a Gateway
 * exposure together with {@code spec.server.ref} is refused rather than silently served through
 * an Ingress the user did not ask for.
 */
final class SharedHostRules {

  private SharedHostRules() {}

  /** The spec's own exposure. */
  static void check(MtaStsPolicySpec spec, List<String> problems) {
    ExposureSpec exposure = spec.getExposure();
    if (shared(spec) && exposure != null && exposure.getType() == ExposureType.GATEWAY) {
      problems.add("spec.exposure.type: Gateway cannot be combined with spec.server.ref: a"
          + " shared server's hosts are exposed by Ingresses in the server's namespace; set"
          + " spec.exposure.type to Ingress, or remove spec.server.ref to serve this domain"
          + " from its own web server");
    }
  }

  /** The operator's default exposure, which applies when the spec names none. */
  static void checkDefaultExposure(MtaStsPolicySpec spec, PlanSettings settings,
      List<String> problems) {
    if (shared(spec) && spec.getExposure() == null && settings.gatewayApi().defaultExposure()
        .filter(d -> d.getType() == ExposureType.GATEWAY).isPresent()) {
      problems.add("spec.server.ref: the operator's default exposure is a Gateway, which a"
          + " shared server does not support; set spec.exposure.type to Ingress");
    }
  }

  private static boolean shared(MtaStsPolicySpec spec) {
    return spec.getServer() != null && spec.getServer().getRef() != null;
  }
}
