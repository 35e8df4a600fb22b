package io.mtasts.operator.reconciler.server;

import io.mtasts.operator.plan.TenantLimits;
import java.util.Objects;
import java.util.Set;

/**
 * The operator-wide settings a shared server's children follow.
 *
 * @param image the server image when a resource names none: the operator's own image
 * @param watchNamespaces the namespaces the operator reconciles; empty means all, and only then
 *     may a server read every namespace (the operator cannot grant more than it holds)
 * @param limits which other images {@code spec.image} may name
 */
public record ServerSettings(String image, Set<String> watchNamespaces, TenantLimits limits) {

  public ServerSettings {
    Objects.requireNonNull(image, "image");
    watchNamespaces = Set.copyOf(watchNamespaces);
    Objects.requireNonNull(limits, "limits");
  }

  public boolean watchesAllNamespaces() {
    return watchNamespaces.isEmpty();
  }
}
