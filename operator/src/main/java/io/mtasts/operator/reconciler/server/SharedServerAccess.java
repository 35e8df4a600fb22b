package io.mtasts.operator.reconciler.server;

import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.plan.SharedServerName;
import java.util.List;
import java.util.Optional;

/**
 * Whether a policy may be served by the MtaStsPolicyServer its {@code spec.server.ref} names.
 * The server's owner decides who may use it ({@code spec.policyNamespaces}), since a policy
 * served there is answered for by the server's pods and, in shared mode, exposed from the
 * server's namespace; and the server can only serve what its RBAC lets it read
 * ({@code spec.namespaces}).
 */
public final class SharedServerAccess {

  /** The entry of {@code spec.policyNamespaces} that admits every namespace. */
  public static final String ANY_NAMESPACE = "*";

  /** Why the policy is not served there: a condition reason and a message naming the field. */
  public record Refusal(String reason, String message) {}

  private SharedServerAccess() {}

  /**
   * The refusal for a policy in {@code policyNamespace} naming {@code name}, which resolved to
   * {@code server} (null when it does not exist); empty when the server may serve it.
   */
  public static Optional<Refusal> check(SharedServerName name, MtaStsPolicyServer server,
      String policyNamespace) {
    if (server == null) {
      return Optional.of(new Refusal(ConditionReasons.SERVER_NOT_FOUND, "spec.server.ref names"
          + " the MtaStsPolicyServer " + name.key() + ", which does not exist; create it or"
          + " correct spec.server.ref"));
    }
    var spec = server.getSpec();
    List<String> allowed = spec == null || spec.getPolicyNamespaces() == null
        ? List.of() : spec.getPolicyNamespaces();
    boolean admitted = allowed.isEmpty() ? policyNamespace.equals(name.namespace())
        : allowed.contains(ANY_NAMESPACE) || allowed.contains(policyNamespace);
    if (!admitted) {
      return Optional.of(new Refusal(ConditionReasons.NAMESPACE_NOT_ALLOWED, "the"
          + " MtaStsPolicyServer " + name.key() + " does not accept policies from namespace '"
          + policyNamespace + "': its spec.policyNamespaces "
          + (allowed.isEmpty() ? "is empty, which admits only its own namespace '"
              + name.namespace() + "'" : "lists " + String.join(", ", allowed))
          + "; add the namespace there (or \"" + ANY_NAMESPACE + "\"), or reference another"
          + " server"));
    }
    List<String> readable = spec == null || spec.getNamespaces() == null
        ? List.of() : spec.getNamespaces();
    if (!readable.isEmpty() && !readable.contains(policyNamespace)) {
      return Optional.of(new Refusal(ConditionReasons.NAMESPACE_NOT_ALLOWED, "the"
          + " MtaStsPolicyServer " + name.key() + " may not read policies in namespace '"
          + policyNamespace + "': its spec.namespaces lists only " + String.join(", ", readable)
          + "; add the namespace there"));
    }
    return Optional.empty();
  }
}
