package io.mtasts.operator.chart;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One verb on one resource of one API group: the unit RBAC rules are compared in. */
record Permission(String apiGroup, String resource, String verb) {

  /** Every combination of the given resources and verbs in one API group. */
  static Set<Permission> of(String apiGroup, List<String> resources, List<String> verbs) {
    Set<Permission> permissions = new LinkedHashSet<>();
    for (String resource : resources) {
      for (String verb : verbs) {
        permissions.add(new Permission(apiGroup, resource, verb));
      }
    }
    return permissions;
  }

  /** What a rule grants, ignoring resourceNames (the chart sets none). */
  static Set<Permission> of(PolicyRule rule) {
    Set<Permission> permissions = new LinkedHashSet<>();
    for (String apiGroup : rule.getApiGroups()) {
      permissions.addAll(of(apiGroup, rule.getResources(), rule.getVerbs()));
    }
    return permissions;
  }

  @SafeVarargs
  static Set<Permission> union(Collection<Permission>... parts) {
    Set<Permission> all = new LinkedHashSet<>();
    for (Collection<Permission> part : parts) {
      all.addAll(part);
    }
    return Set.copyOf(all);
  }

  @Override
  public String toString() {
    return (apiGroup.isEmpty() ? "core" : apiGroup) + " " + resource + " " + verb;
  }
}
