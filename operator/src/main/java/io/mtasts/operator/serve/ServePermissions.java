package io.mtasts.operator.serve;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.List;

/**
 * Everything {@code serve} asks of the API server: the informers on MtaStsPolicy. A Role or
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
}
