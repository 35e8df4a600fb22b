package io.mtasts.operator.runtime;

import io.mtasts.operator.api.v1alpha1.ExposureSpec;
import io.mtasts.operator.api.v1alpha1.ExposureType;
import io.mtasts.operator.api.v1alpha1.GatewayExposureSpec;
import io.mtasts.operator.api.v1alpha1.GatewayListener;
import io.mtasts.operator.api.v1alpha1.SpecConstraints;
import io.mtasts.operator.plan.GatewayApiSettings;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Gateway API part of the operator's configuration: whether it is enabled, and the exposure
 * of resources that name none. Each bad variable is reported by name with what is allowed.
 */
final class GatewayApiConfig {

  private GatewayApiConfig() {}

  static GatewayApiSettings read(Map<String, String> values, List<String> problems) {
    String enabledText = values.get("MTASTS_GATEWAY_API");
    boolean enabled = switch (enabledText.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problems.add("MTASTS_GATEWAY_API='" + enabledText + "' is invalid: expected true or"
            + " false");
        yield false;
      }
    };
    String exposureText = values.get("MTASTS_DEFAULT_EXPOSURE");
    ExposureType exposure;
    try {
      exposure = ExposureType.fromValue(exposureText);
    } catch (IllegalArgumentException e) {
      problems.add("MTASTS_DEFAULT_EXPOSURE='" + exposureText + "' is invalid: expected Ingress"
          + " or Gateway");
      return GatewayApiSettings.disabled();
    }
    if (exposure == ExposureType.INGRESS) {
      return new GatewayApiSettings(enabled, Optional.empty());
    }
    if (!enabled) {
      problems.add("MTASTS_DEFAULT_EXPOSURE='Gateway' needs MTASTS_GATEWAY_API=true: without"
          + " Gateway API support the operator may not create HTTPRoutes");
    }
    GatewayExposureSpec gateway = new GatewayExposureSpec();
    String ref = values.get("MTASTS_DEFAULT_GATEWAY");
    String[] parts = ref.split("/", -1);
    String name = parts[parts.length - 1];
    String namespace = parts.length == 2 ? parts[0] : null;
    if (ref.isEmpty() || parts.length > 2 || !name.matches(SpecConstraints.OBJECT_NAME)
        || (namespace != null && !namespace.matches(SpecConstraints.NAMESPACE))) {
      problems.add("MTASTS_DEFAULT_GATEWAY='" + ref + "' is invalid: expected the Gateway of"
          + " MTASTS_DEFAULT_EXPOSURE=Gateway as name or namespace/name, such as"
          + " gateway-system/public");
    }
    gateway.setName(name);
    gateway.setNamespace(namespace);
    String listenerText = values.get("MTASTS_DEFAULT_GATEWAY_LISTENER");
    try {
      gateway.setListener(GatewayListener.fromValue(listenerText));
    } catch (IllegalArgumentException e) {
      problems.add("MTASTS_DEFAULT_GATEWAY_LISTENER='" + listenerText + "' is invalid: expected"
          + " ListenerSet, HostListener or WildcardListener");
    }
    String section = values.get("MTASTS_DEFAULT_GATEWAY_SECTION");
    if (!section.isEmpty()) {
      if (!section.matches(SpecConstraints.OBJECT_NAME)
          || gateway.effectiveListener() == GatewayListener.LISTENER_SET) {
        problems.add("MTASTS_DEFAULT_GATEWAY_SECTION='" + section + "' is invalid: expected"
            + " empty, or the name of a Gateway listener with MTASTS_DEFAULT_GATEWAY_LISTENER"
            + " HostListener or WildcardListener");
      }
      gateway.setSectionName(section);
    }
    return new GatewayApiSettings(enabled,
        Optional.of(new ExposureSpec(ExposureType.GATEWAY, gateway)));
  }
}
