package io.mtasts.operator.chart;

import io.mtasts.operator.runtime.RequiredPermissions;
import io.mtasts.operator.runtime.RequiredPermissions.ApiPermission;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The API access the operator needs, as the operator's code derives it
 * ({@link RequiredPermissions}), in the form the chart's RBAC is compared in.
 */
final class OperatorPermissions {

  /** In every namespace whose MtaStsPolicy resources the operator reconciles. */
  static final Set<Permission> IN_WATCHED_NAMESPACES =
      convert(RequiredPermissions.inWatchedNamespaces());

  /** In the watched namespaces as well, with gatewayApi.enabled: the Gateway API children. */
  static final Set<Permission> FOR_GATEWAY_API = convert(RequiredPermissions.gatewayApi());

  /** Cluster-scoped: whether cert-manager's and external-dns' CRDs are installed. */
  static final Set<Permission> CLUSTER_SCOPED = convert(RequiredPermissions.clusterScoped());

  /** Cluster-scoped, only when watching every namespace: shared servers' ClusterRoles. */
  static final Set<Permission> WHEN_WATCHING_ALL =
      convert(RequiredPermissions.whenWatchingAllNamespaces());

  /** In the release namespace, where the leader-election Lease lives. */
  static final Set<Permission> FOR_LEADER_ELECTION =
      convert(RequiredPermissions.leaderElection());

  private OperatorPermissions() {}

  private static Set<Permission> convert(Set<ApiPermission> permissions) {
    return permissions.stream()
        .map(p -> new Permission(p.apiGroup(), p.resource(), p.verb()))
        .collect(Collectors.toUnmodifiableSet());
  }
}
