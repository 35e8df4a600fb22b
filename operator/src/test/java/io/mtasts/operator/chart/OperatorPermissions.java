package io.mtasts.operator.chart;

import static io.mtasts.operator.chart.Permission.of;
import static io.mtasts.operator.chart.Permission.union;

import java.util.List;
import java.util.Set;

/**
 * The API access the operator needs, written down here independently of the chart so that a
 * test can hold the chart's RBAC to it.
 */
final class OperatorPermissions {

  private static final List<String> READ_WRITE = List.of("get", "list", "watch", "create", "patch", "update");
  private static final List<String> READ_WRITE_DELETE =
      List.of("get", "list", "watch", "create", "patch", "update", "delete");

  /** In every namespace whose MtaStsPolicy resources the operator reconciles. */
  static final Set<Permission> IN_WATCHED_NAMESPACES = union(
      of("mtasts.io", List.of("mtastspolicies"), List.of("get", "list", "watch", "patch", "update")),
      of("mtasts.io", List.of("mtastspolicies/status"), List.of("get", "patch", "update")),
      of("", List.of("configmaps", "services"), READ_WRITE),
      of("apps", List.of("deployments"), READ_WRITE),
      of("networking.k8s.io", List.of("ingresses"), READ_WRITE),
      of("cert-manager.io", List.of("certificates"), READ_WRITE_DELETE),
      of("externaldns.k8s.io", List.of("dnsendpoints"), READ_WRITE_DELETE),
      of("", List.of("events"), List.of("create", "patch")));

  /** Cluster-scoped: whether cert-manager's and external-dns' CRDs are installed. */
  static final Set<Permission> CLUSTER_SCOPED =
      union(of("apiextensions.k8s.io", List.of("customresourcedefinitions"), List.of("get")));

  /** In the release namespace, where the leader-election Lease lives. */
  static final Set<Permission> FOR_LEADER_ELECTION =
      union(of("coordination.k8s.io", List.of("leases"), List.of("get", "create", "update")));

  private OperatorPermissions() {}
}
