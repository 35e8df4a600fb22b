package io.mtasts.operator.serve;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.List;

/**
 * Everything {@code serve} asks of the API server: the informers on MtaStsPolicy, and the
 * report ConfigMaps of its own namespace ({@link #reportRules()}). A Role or
 * ClusterRole for a server grants exactly these rules, in the watched namespaces or cluster-wide.
 */
public final class ServePermissions {

  private ServePermissions() {}

  public static List<PolicyRule> rules() {
    return List.of(new PolicyRuleBuilder()
        .withApiGroups("mtasts.io")
        .withResources("mtastspolicies")
        .withVerbs("get", "list", "watch")
        .build());
  }

  /**
   * In the server's own namespace only: the ConfigMaps received TLS reports are handed over in
   * ({@link ReportConfigMaps}). Get and list to load the report ids at start; create and update
   * to write a batch. No watch, no delete, no other kind: a server cannot read or remove anything
   * outside its namespace, and in it nothing but ConfigMaps.
   */
  public static List<PolicyRule> reportRules() {
    return List.of(new PolicyRuleBuilder()
        .withApiGroups("")
        .withResources("configmaps")
        .withVerbs("get", "list", "create", "update")
        .build());
  }
}
