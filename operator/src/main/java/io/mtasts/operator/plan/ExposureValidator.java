package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.ExposureSpec;
import io.mtasts.operator.api.v1alpha1.ExposureType;
import io.mtasts.operator.api.v1alpha1.GatewayExposureSpec;
import io.mtasts.operator.api.v1alpha1.GatewayListener;
import io.mtasts.operator.api.v1alpha1.SpecConstraints;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks of {@code spec.exposure}: the CRD schema's rules again, for a resource that did not
 * pass the API server's validation, each naming the field and what is allowed.
 */
final class ExposureValidator {

  private static final Pattern OBJECT_NAME = Pattern.compile(SpecConstraints.OBJECT_NAME);
  private static final Pattern NAMESPACE = Pattern.compile(SpecConstraints.NAMESPACE);

  private ExposureValidator() {}

  static void check(ExposureSpec exposure, List<String> problems) {
    if (exposure == null) {
      return;
    }
    ExposureType type = exposure.getType();
    if (type == null) {
      problems.add("spec.exposure.type: required, Ingress or Gateway");
      return;
    }
    if (type == ExposureType.UNRECOGNIZED) {
      problems.add("spec.exposure.type: must be Ingress or Gateway (case-sensitive)");
      return;
    }
    GatewayExposureSpec gateway = exposure.getGateway();
    if (type == ExposureType.GATEWAY && gateway == null) {
      problems.add("spec.exposure.gateway: required when spec.exposure.type is Gateway; name"
          + " the Gateway the route attaches to");
      return;
    }
    if (gateway == null) {
      return;
    }
    String name = gateway.getName();
    if (name == null || name.isEmpty()) {
      problems.add("spec.exposure.gateway.name: required, the name of the Gateway");
    } else if (!isObjectName(name)) {
      problems.add("spec.exposure.gateway.name: '" + name + "' is not a valid object name"
          + " (lower case letters, digits, '-' and '.')");
    }
    String namespace = gateway.getNamespace();
    if (namespace != null && !namespace.isEmpty()
        && (namespace.length() > SpecConstraints.NAMESPACE_MAX_LENGTH
            || !NAMESPACE.matcher(namespace).matches())) {
      problems.add("spec.exposure.gateway.namespace: '" + namespace + "' is not a valid"
          + " namespace name (lower case letters, digits and '-', at most 63)");
    }
    if (gateway.getListener() == GatewayListener.UNRECOGNIZED) {
      problems.add("spec.exposure.gateway.listener: must be ListenerSet, HostListener or"
          + " WildcardListener (case-sensitive)");
    }
    String section = gateway.getSectionName();
    if (section != null && !section.isEmpty()) {
      if (!isObjectName(section)) {
        problems.add("spec.exposure.gateway.sectionName: '" + section + "' is not a valid"
            + " listener name (lower case letters, digits, '-' and '.')");
      } else if (gateway.effectiveListener() == GatewayListener.LISTENER_SET) {
        problems.add("spec.exposure.gateway.sectionName: only with listener HostListener or"
            + " WildcardListener; with ListenerSet the route attaches to the operator's own"
            + " ListenerSet");
      }
    }
    int port = gateway.effectivePort();
    if (port < 1 || port > 65535) {
      problems.add("spec.exposure.gateway.port: " + port + " is outside 1..65535");
    }
  }

  private static boolean isObjectName(String name) {
    return name.length() <= SpecConstraints.OBJECT_NAME_MAX_LENGTH
        && OBJECT_NAME.matcher(name).matches();
  }
}
