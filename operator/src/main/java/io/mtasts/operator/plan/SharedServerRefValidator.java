package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.PolicyServerRef;
import io.mtasts.operator.api.v1alpha1.ServerSpec;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of {@code spec.server.ref}: a policy served by a shared MtaStsPolicyServer has no web
 * server of its own, so the fields that only shape such a server would be silently ignored;
 * they are refused instead, naming the field and why.
 */
final class SharedServerRefValidator {

  private static final Pattern NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private SharedServerRefValidator() {}

  static void check(ServerSpec server, List<String> problems) {
    PolicyServerRef ref = server == null ? null : server.getRef();
    if (ref == null) {
      return;
    }
    String name = ref.getName();
    if (name == null || name.isBlank()) {
      problems.add("spec.server.ref.name: required, the name of an MtaStsPolicyServer");
    } else if (!NAME.matcher(name).matches()) {
      problems.add("spec.server.ref.name: '" + name + "' is not an object name (lower-case"
          + " letters, digits, '-' and '.')");
    }
    String namespace = ref.getNamespace();
    if (namespace != null && !namespace.isEmpty() && !NAMESPACE.matcher(namespace).matches()) {
      problems.add("spec.server.ref.namespace: '" + namespace + "' is not a namespace name"
          + " (lower-case letters, digits and '-', at most 63)");
    }
    if (server.getImage() != null) {
      problems.add("spec.server.image: must be empty with spec.server.ref: the shared"
          + " MtaStsPolicyServer serves this policy with its own image; set the image there");
    }
    if (server.getResources() != null) {
      problems.add("spec.server.resources: must be empty with spec.server.ref: the shared"
          + " MtaStsPolicyServer's pods serve this policy; set their resources there");
    }
  }
}
