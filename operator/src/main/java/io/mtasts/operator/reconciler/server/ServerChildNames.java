package io.mtasts.operator.reconciler.server;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.policy.PolicyId;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and labels of a shared server's children. The namespaced children share one name, a DNS
 * label as Service names must be. RBAC objects outside the server's namespace, and cluster-scoped
 * ones, cannot carry an owner reference to it; they are named after the server's namespace and
 * name, and labelled with its uid, which is how the operator recognises and removes them.
 */
public final class ServerChildNames {

  /** The app.kubernetes.io/name of server children, apart from the per-policy web servers'. */
  public static final String NAME = "mta-sts-server";
  /** The uid of the server that made an object: ownership where no owner reference can be. */
  public static final String SERVER_UID_LABEL = "mtasts.io/policy-server-uid";
  /** Every informer of server children watches only objects with these labels. */
  public static final String SELECTOR = ChildNames.MANAGED_BY_LABEL + "=" + ChildNames.MANAGED_BY
      + "," + ChildNames.NAME_LABEL + "=" + NAME;

  private static final int MAX_NAME = 63;
  private static final String PREFIX = NAME + "-";

  private ServerChildNames() {}

  /**
   * {@code mta-sts-server-<name>}; a name with dots or one too long for a DNS label gets dashes
   * and a hash suffix instead, so that two servers never share a name.
   */
  public static String of(MtaStsPolicyServer server) {
    return of(server.getMetadata().getName());
  }

  /** As {@link #of(MtaStsPolicyServer)}, from the server's name alone. */
  public static String of(String crName) {
    String name = PREFIX + crName.replace('.', '-');
    if (name.length() <= MAX_NAME && !crName.contains(".")) {
      return name;
    }
    String hash = hash(crName);
    String head = name.length() + hash.length() + 1 <= MAX_NAME ? name
        : name.substring(0, MAX_NAME - hash.length() - 1);
    while (head.endsWith("-")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + hash;
  }

  /**
   * The name of the ClusterRole, ClusterRoleBinding, and of the Role and RoleBinding in each
   * served namespace: {@code mta-sts-server.<namespace>.<name>}, unique across the cluster.
   * RBAC names may contain dots and be longer than a DNS label.
   */
  public static String rbac(MtaStsPolicyServer server) {
    return NAME + "." + server.getMetadata().getNamespace() + "." + server.getMetadata().getName();
  }

  /** The labels of the pods, also the Service's and the PodDisruptionBudget's selector. */
  public static Map<String, String> podLabels(MtaStsPolicyServer server) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(ChildNames.MANAGED_BY_LABEL, ChildNames.MANAGED_BY);
    labels.put(ChildNames.NAME_LABEL, NAME);
    labels.put(ChildNames.INSTANCE_LABEL, labelValue(server.getMetadata().getName()));
    return labels;
  }

  /** The labels of every child: the pods' and the server's uid. */
  public static Map<String, String> labels(MtaStsPolicyServer server) {
    Map<String, String> labels = podLabels(server);
    labels.put(SERVER_UID_LABEL, java.util.Objects.requireNonNullElse(server.getMetadata().getUid(), ""));
    return labels;
  }

  private static String labelValue(String value) {
    if (value.length() <= MAX_NAME) {
      return value;
    }
    return value.substring(0, MAX_NAME - 9).replaceAll("[-._]+$", "") + "-" + hash(value);
  }

  private static String hash(String value) {
    return PolicyId.of(value.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
  }
}
