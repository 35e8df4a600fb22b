package io.mtasts.operator.chart;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the RBAC objects of a rendered chart let one ServiceAccount do, per namespace: every
 * binding whose subject is that account, followed to the role it references.
 */
final class ServiceAccountPermissions {

  /** Key of the permissions granted in all namespaces (through ClusterRoleBindings). */
  static final String CLUSTER_WIDE = "(cluster-wide)";

  private ServiceAccountPermissions() {}

  static Map<String, Set<Permission>> granted(RenderedChart chart, String account, String accountNamespace) {
    Map<String, Set<Permission>> granted = new TreeMap<>();
    for (ClusterRoleBinding binding : chart.all(ClusterRoleBinding.class)) {
      if (binds(binding.getSubjects(), account, accountNamespace)) {
        add(granted, CLUSTER_WIDE, rulesOf(chart, binding.getRoleRef(), null, RenderedChart.describe(binding)));
      }
    }
    for (RoleBinding binding : chart.all(RoleBinding.class)) {
      if (binds(binding.getSubjects(), account, accountNamespace)) {
        String namespace = binding.getMetadata().getNamespace();
        add(granted, namespace, rulesOf(chart, binding.getRoleRef(), namespace, RenderedChart.describe(binding)));
      }
    }
    return granted;
  }

  private static boolean binds(List<Subject> subjects, String account, String accountNamespace) {
    return subjects.stream().anyMatch(subject -> "ServiceAccount".equals(subject.getKind())
        && account.equals(subject.getName())
        && accountNamespace.equals(subject.getNamespace()));
  }

  private static List<PolicyRule> rulesOf(RenderedChart chart, RoleRef ref, String namespace, String binding) {
    if ("ClusterRole".equals(ref.getKind())) {
      return chart.find(ClusterRole.class, null, ref.getName())
          .orElseThrow(() -> missing(binding, ref))
          .getRules();
    }
    if ("Role".equals(ref.getKind()) && namespace != null) {
      return chart.find(Role.class, namespace, ref.getName())
          .orElseThrow(() -> missing(binding, ref))
          .getRules();
    }
    throw new AssertionError(binding + " references a " + ref.getKind() + ", which it cannot bind");
  }

  private static AssertionError missing(String binding, RoleRef ref) {
    return new AssertionError(binding + " references " + ref.getKind() + " " + ref.getName()
        + ", which the chart does not create");
  }

  private static void add(Map<String, Set<Permission>> granted, String scope, List<PolicyRule> rules) {
    Set<Permission> permissions = granted.computeIfAbsent(scope, key -> new HashSet<>());
    rules.forEach(rule -> permissions.addAll(Permission.of(rule)));
  }
}
