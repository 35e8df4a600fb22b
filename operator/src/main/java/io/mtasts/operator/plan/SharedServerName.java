package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.PolicyServerRef;
import java.util.Optional;

/** The MtaStsPolicyServer a policy's {@code spec.server.ref} names, its namespace resolved. */
public record SharedServerName(String namespace, String name) {

  /** The server {@code policy} references; empty when it has a web server of its own. */
  public static Optional<SharedServerName> of(MtaStsPolicy policy) {
    var spec = policy.getSpec();
    PolicyServerRef ref = spec == null || spec.getServer() == null ? null
        : spec.getServer().getRef();
    if (ref == null || ref.getName() == null) {
      return Optional.empty();
    }
    return Optional.of(new SharedServerName(
        ref.effectiveNamespace(policy.getMetadata().getNamespace()), ref.getName()));
  }

  /** {@code NAMESPACE/NAME}, as {@code status.shared.server} and the serve command name it. */
  public String key() {
    return namespace + "/" + name;
  }

  @Override
  public String toString() {
    return key();
  }
}
