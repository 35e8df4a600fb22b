package io.mtasts.operator.reconciler;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.plan.SharedHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the shared-host objects (Ingress, Certificate) in a server's namespace whose policy is
 * gone or no longer names this server: those a deletion without retirement left behind (a policy
 * that never advertised a protecting id has no finalizer), and those of a policy that moved to
 * another server or back to its own web server. Owner references cannot do this across
 * namespaces.
 *
 * <p>One cached list of the policies tells the live hosts from the candidates; each candidate is
 * confirmed with a read of its policy by name before it is deleted, so a policy created a moment
 * ago, and not yet in the cached list, keeps its objects. Objects without
 * the operator's labels are never looked at.
 */
public final class SharedHostSweep {

  private static final Logger LOG = LoggerFactory.getLogger(SharedHostSweep.class);

  private final KubernetesClient client;

  public SharedHostSweep(KubernetesClient client) {
    this.client = client;
  }

  /** Deletes this server's orphaned shared hosts; returns how many it deleted. */
  public int sweep(MtaStsPolicyServer server) {
    int deleted = 0;
    List<HasMetadata> hosts = hostsOf(server);
    if (hosts.isEmpty()) {
      return 0;
    }
    Map<String, MtaStsPolicy> live = policiesByUid(hosts);
    for (HasMetadata object : hosts) {
      // the common case, a live policy that still names this server, costs no read
      if (stillServed(object, server, live)) {
        continue;
      }
      if (orphaned(object, server)) {
        LOG.info("{}/{}: {} {} belongs to no MtaStsPolicy served by this server; deleting it",
            server.getMetadata().getNamespace(), server.getMetadata().getName(),
            object.getKind(), object.getMetadata().getName());
        client.resource(object).delete();
        deleted++;
      }
    }
    return deleted;
  }

  /** Deletes every shared host of a server that is being deleted: nothing routes to it now. */
  public void removeAll(MtaStsPolicyServer server) {
    for (HasMetadata object : hostsOf(server)) {
      client.resource(object).delete();
    }
  }

  private List<HasMetadata> hostsOf(MtaStsPolicyServer server) {
    List<HasMetadata> out = new ArrayList<>();
    String namespace = server.getMetadata().getNamespace();
    String selector = SharedHost.SELECTOR + "," + SharedHost.SERVER_LABEL + "="
        + SharedHost.serverLabelValue(server.getMetadata().getName());
    var options = new ListOptionsBuilder().withLabelSelector(selector).build();
    for (Class<? extends HasMetadata> kind : List.of(Ingress.class, Certificate.class)) {
      try {
        out.addAll(client.resources(kind).inNamespace(namespace).list(options).getItems());
      } catch (KubernetesClientException e) {
        // without cert-manager there is no Certificate kind to list
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
    return out;
  }

  /**
   * The policies the hosts name, by uid, from one cached list (the API server's watch cache):
   * of every namespace when the operator may list them all, else of each namespace named.
   */
  private Map<String, MtaStsPolicy> policiesByUid(List<HasMetadata> hosts) {
    var options = new ListOptionsBuilder().withResourceVersion("0").build();
    List<MtaStsPolicy> policies = new ArrayList<>();
    try {
      policies.addAll(client.resources(MtaStsPolicy.class).inAnyNamespace().list(options)
          .getItems());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      hosts.stream().map(h -> h.getMetadata().getLabels().get(SharedHost.POLICY_NAMESPACE_LABEL))
          .filter(java.util.Objects::nonNull).distinct().forEach(namespace -> {
            try {
              policies.addAll(client.resources(MtaStsPolicy.class).inNamespace(namespace)
                  .list(options).getItems());
            } catch (KubernetesClientException notReadable) {
              LOG.debug("cannot list policies in {}: HTTP {}", namespace, notReadable.getCode());
            }
          });
    }
    Map<String, MtaStsPolicy> byUid = new java.util.HashMap<>();
    policies.forEach(p -> byUid.put(p.getMetadata().getUid(), p));
    return byUid;
  }

  private static boolean stillServed(HasMetadata object, MtaStsPolicyServer server,
      Map<String, MtaStsPolicy> live) {
    MtaStsPolicy policy = live.get(object.getMetadata().getLabels()
        .get(SharedHost.POLICY_UID_LABEL));
    return policy != null && servedHere(policy, object, server);
  }

  private static boolean servedHere(MtaStsPolicy policy, HasMetadata object,
      MtaStsPolicyServer server) {
    Optional<SharedHost> host = SharedHost.of(policy);
    return host.isPresent()
        && host.get().serverNamespace().equals(server.getMetadata().getNamespace())
        && host.get().serverName().equals(server.getMetadata().getName())
        && host.get().name().equals(object.getMetadata().getName());
  }

  private boolean orphaned(HasMetadata object, MtaStsPolicyServer server) {
    Map<String, String> labels = object.getMetadata().getLabels();
    String policyNamespace = labels.get(SharedHost.POLICY_NAMESPACE_LABEL);
    String policyName = labels.get(SharedHost.POLICY_NAME_LABEL);
    String uid = labels.get(SharedHost.POLICY_UID_LABEL);
    if (policyNamespace == null || policyName == null || uid == null) {
      return false;
    }
    MtaStsPolicy policy;
    try {
      policy = findPolicy(policyNamespace, policyName, uid);
    } catch (KubernetesClientException e) {
      // a namespace the operator may not read: nothing is known, so nothing is deleted
      LOG.debug("cannot read the policy of {} {}: HTTP {}", object.getKind(),
          object.getMetadata().getName(), e.getCode());
      return false;
    }
    if (policy == null || !uid.equals(policy.getMetadata().getUid())) {
      return true;
    }
    return !servedHere(policy, object, server);
  }

  /**
   * The policy the labels name. A long name is shortened in its label, so then the policies of
   * the namespace are searched for the uid instead.
   */
  private MtaStsPolicy findPolicy(String namespace, String name, String uid) {
    var policies = client.resources(MtaStsPolicy.class).inNamespace(namespace);
    MtaStsPolicy byName = policies.withName(name).get();
    if (byName != null && uid.equals(byName.getMetadata().getUid())) {
      return byName;
    }
    return policies.list().getItems().stream()
        .filter(p -> uid.equals(p.getMetadata().getUid())).findFirst().orElse(byName);
  }
}
