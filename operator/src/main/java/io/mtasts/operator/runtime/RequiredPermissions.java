package io.mtasts.operator.runtime;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.reconciler.MtaStsPolicyReconciler;
import io.mtasts.operator.plan.ChildKind;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Kubernetes API access the operator needs, derived from the code that uses it: the primary
 * resource's informer and status writes, each dependent of the reconciler's workflow (its
 * informer, and the writes its type can make), Events, the leader-election Lease and the CRD
 * reads. The Helm chart's RBAC is tested against exactly this set.
 */
public final class RequiredPermissions {

  /** One verb on one resource of one API group ({@code ""} is the core group). */
  public record ApiPermission(String apiGroup, String resource, String verb)
      implements Comparable<ApiPermission> {
    @Override
    public int compareTo(ApiPermission o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return (apiGroup.isEmpty() ? "core" : apiGroup) + " " + resource + " " + verb;
    }
  }

  private RequiredPermissions() {}

  /**
   * In every namespace whose resources the operator reconciles, without the Gateway API kinds
   * (see {@link #gatewayApi()}).
   */
  public static Set<ApiPermission> inWatchedNamespaces() {
    Set<ApiPermission> p = new TreeSet<>();
    // the informer of the primary; the reconciler writes only its status subresource
    add(p, MtaStsPolicy.class, "", "get", "list", "watch");
    add(p, MtaStsPolicy.class, "/status", "patch", "update");
    addDependents(p, false);
    // the retirement label, and the finalizer that holds a deleted policy until it is retired
    add(p, MtaStsPolicy.class, "", "patch");
    // the served-policy probe reads the web server Service's endpoints from an informer
    add(p, EndpointSlice.class, "", "get", "list", "watch");
    add(p, Event.class, "", "create");
    // the Secret a resource names in spec.tls.secretName, read by name; no list or watch, so
    // no Secret is read that no resource names (see ExistingTlsSecret)
    add(p, Secret.class, "", "get");
    addPolicyServers(p);
    return p;
  }

  /**
   * In every watched namespace as well, only when Gateway API support is enabled (Helm value
   * gatewayApi.enabled): the HTTPRoutes, ListenerSets and ReferenceGrants of policies exposed
   * through a Gateway.
   */
  public static Set<ApiPermission> gatewayApi() {
    Set<ApiPermission> p = new TreeSet<>();
    addDependents(p, true);
    return p;
  }

  /** The access of the workflow's dependents: of the Gateway API kinds, or of the others. */
  private static void addDependents(Set<ApiPermission> p, boolean gatewayApi) {
    Workflow workflow = MtaStsPolicyReconciler.class.getAnnotation(Workflow.class);
    for (Dependent dependent : workflow.dependents()) {
      Class<? extends HasMetadata> kind = resourceType(dependent.type());
      if (isGatewayApi(kind) != gatewayApi) {
        continue;
      }
      // an informer per kind; the conflict check reads single objects by name
      add(p, kind, "", "get", "list", "watch");
      if (Creator.class.isAssignableFrom(dependent.type())) {
        add(p, kind, "", "create");
      }
      if (Updater.class.isAssignableFrom(dependent.type())) {
        // server-side apply patches; the non-SSA matcher replaces
        add(p, kind, "", "patch", "update");
      }
      if (dependent.reconcilePrecondition() != Condition.class) {
        // the workflow deletes a dependent whose precondition stops holding
        add(p, kind, "", "delete");
      }
    }
  }

  private static boolean isGatewayApi(Class<? extends HasMetadata> kind) {
    return Arrays.stream(ChildKind.values())
        .anyMatch(child -> child.type().equals(kind) && child.isGatewayApi());
  }

  /**
   * The shared policy servers' reconciler: its primary (the finalizer is a patch of it), the
   * children it reads by name, creates and replaces, the Deployments' informer, the
   * PodDisruptionBudget it deletes when replicas drop to one, the RBAC objects it finds by label
   * and deletes when the served namespaces change, and the policies it counts. It may grant the
   * servers' read access on policies only because it holds that access itself.
   */
  private static void addPolicyServers(Set<ApiPermission> p) {
    add(p, MtaStsPolicyServer.class, "", "get", "list", "watch", "patch", "update");
    add(p, MtaStsPolicyServer.class, "/status", "patch", "update");
    add(p, ServiceAccount.class, "", "get", "create", "update");
    add(p, Service.class, "", "get", "create", "update");
    add(p, Deployment.class, "", "get", "list", "watch", "create", "update");
    add(p, PodDisruptionBudget.class, "", "get", "create", "update", "delete");
    add(p, Role.class, "", "get", "list", "create", "update", "delete");
    add(p, RoleBinding.class, "", "get", "list", "create", "update", "delete");
    add(p, MtaStsPolicy.class, "", "list");
    // the Ingress and Certificate of each policy a server serves, in the server's namespace:
    // read by name, written, found by label for the sweep and deleted (SharedHostExposure,
    // SharedHostSweep); the policies' workflow needs the same, so this grants nothing more
    add(p, Ingress.class, "", "get", "list", "create", "update", "delete");
    add(p, Certificate.class, "", "get", "list", "create", "update", "delete");
    add(p, MtaStsPolicy.class, "", "get");
  }

  /**
   * Cluster-scoped, only when the operator watches every namespace: a shared server that lists no
   * namespaces gets a ClusterRole and ClusterRoleBinding to read every namespace's policies. An
   * operator that watches some namespaces holds no cluster-wide access it could grant.
   */
  public static Set<ApiPermission> whenWatchingAllNamespaces() {
    Set<ApiPermission> p = new TreeSet<>();
    add(p, ClusterRole.class, "", "get", "create", "update", "delete");
    add(p, ClusterRoleBinding.class, "", "get", "create", "update", "delete");
    return p;
  }

  /** Cluster-scoped reads: whether cert-manager's and external-dns' CRDs are installed. */
  public static Set<ApiPermission> clusterScoped() {
    Set<ApiPermission> p = new TreeSet<>();
    add(p, CustomResourceDefinition.class, "", "get");
    // whether a retiring policy's namespace is being deleted, which removes its web server
    add(p, io.fabric8.kubernetes.api.model.Namespace.class, "", "get");
    return p;
  }

  /** In the namespace of the leader-election Lease (read, take, renew). */
  public static Set<ApiPermission> leaderElection() {
    Set<ApiPermission> p = new TreeSet<>();
    add(p, Lease.class, "", "get", "create", "update");
    return p;
  }

  private static void add(
      Set<ApiPermission> set, Class<? extends HasMetadata> kind, String subresource,
      String... verbs) {
    String group = HasMetadata.getGroup(kind);
    String resource = HasMetadata.getPlural(kind) + subresource;
    for (String verb : verbs) {
      set.add(new ApiPermission(group == null ? "" : group, resource, verb));
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Class<? extends HasMetadata> resourceType(Class<? extends DependentResource> type) {
    try {
      DependentResource dependent = type.getDeclaredConstructor().newInstance();
      return (Class<? extends HasMetadata>) dependent.resourceType();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot instantiate dependent " + type.getName(), e);
    }
  }
}
