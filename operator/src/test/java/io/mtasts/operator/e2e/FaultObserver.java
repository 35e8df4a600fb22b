package io.mtasts.operator.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.DnsRecord;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.localserver.RolloutStandIn;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.WebServerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches the policies, their children and what the pods serve, from outside the operator, and
 * counts every broken invariant: an id advertised for bytes the serving endpoint did not serve,
 * a child lost, duplicated or left behind, a change that never converges, an object of another
 * owner overwritten. It also plays the kubelet, the Deployment controller and the EndpointSlice
 * controller for the pods (one {@link LoopbackNginx} per policy), so it knows exactly which bytes
 * each endpoint served when.
 */
final class FaultObserver implements AutoCloseable {

  /** An id is premature unless its bytes were served at some instant of this window before it. */
  static final Duration SERVED_WINDOW = Duration.ofSeconds(10);

  private record Served(long atNanos, String bytes) {}

  private record Pending(String name, String uid, long generation, String op, long sinceNanos) {}

  private final RealCluster cluster;
  private final LoopbackPods pods;
  private final Map<String, List<Served>> served = new ConcurrentHashMap<>();
  private final Map<String, String> publishedService = new ConcurrentHashMap<>();
  private final Map<String, String> lastId = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final List<Double> convergeSeconds = Collections.synchronizedList(new ArrayList<>());
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger premature = new AtomicInteger();
  private final AtomicInteger kills = new AtomicInteger();
  private final AtomicInteger meddled = new AtomicInteger();
  private final AtomicInteger controlPlaneFaults = new AtomicInteger();
  private final AtomicInteger idsChecked = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private int lost;
  private int duplicates;
  private int orphans;
  private int stuck;
  private String foreignName;
  private ConfigMap foreign;
  private SharedIndexInformer<MtaStsPolicy> informer;

  FaultObserver(RealCluster cluster, LoopbackPods pods) {
    this.cluster = cluster;
    this.pods = pods;
  }

  void start() {
    informer = cluster.admin.resources(MtaStsPolicy.class).inNamespace(cluster.namespace)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(MtaStsPolicy p) {
            checkIds(p);
          }

          @Override
          public void onUpdate(MtaStsPolicy old, MtaStsPolicy p) {
            checkIds(p);
          }

          @Override
          public void onDelete(MtaStsPolicy p, boolean unknownFinalState) {}
        });
  }

  /**
   * Every id the operator writes (status.policyId and the TXT records' id) must name bytes the
   * policy's serving endpoint already served: status.policy, seen at the pod within
   * {@link #SERVED_WINDOW} before the write was observed.
   */
  private void checkIds(MtaStsPolicy p) {
    if (p.getStatus() == null || p.getStatus().getPolicyId() == null) {
      return;
    }
    String uid = p.getMetadata().getUid();
    String id = p.getStatus().getPolicyId();
    for (DnsRecord r : Objects.requireNonNullElse(p.getStatus().getDnsRecords(),
        List.<DnsRecord>of())) {
      if (r.getValue() != null && r.getValue().contains("id=")
          && !r.getValue().endsWith("id=" + id)) {
        violation(premature, "TXT record '" + r.getValue() + "' of " + name(p)
            + " names another id than status.policyId " + id);
      }
    }
    if (id.equals(lastId.put(uid, id))) {
      return;
    }
    idsChecked.incrementAndGet();
    String child = ChildNames.of(p);
    String bytes = p.getStatus().getPolicy();
    if (!servedRecently(child, bytes)) {
      violation(premature, "id " + id + " of " + name(p) + " written while its endpoint did not"
          + " serve " + quote(bytes) + " (served: " + quote(lastServed(child)) + ")");
    }
  }

  private boolean servedRecently(String child, String bytes) {
    List<Served> history = served.get(child);
    if (history == null || bytes == null) {
      return false;
    }
    long now = System.nanoTime();
    long from = now - SERVED_WINDOW.toNanos();
    synchronized (history) {
      for (int i = 0; i < history.size(); i++) {
        long end = i + 1 < history.size() ? history.get(i + 1).atNanos() : now;
        if (history.get(i).bytes().equals(bytes) && end >= from) {
          return true;
        }
      }
    }
    return false;
  }

  private String lastServed(String child) {
    List<Served> history = served.get(child);
    if (history == null) {
      return null;
    }
    synchronized (history) {
      return history.isEmpty() ? null : history.get(history.size() - 1).bytes();
    }
  }

  /**
   * The kubelet and the Deployment and EndpointSlice controllers, every 300 ms until closed:
   * each pod serves its ConfigMap's bytes, each Deployment's template is reported rolled out,
   * and each Service gets its pod as ready endpoint.
   */
  void playKubelet() {
    while (!closed.get()) {
      try {
        // one list per kind and round, not a read per child: the soak has 200 policies
        Map<String, ConfigMap> configMaps = byName(ConfigMap.class);
        Map<String, Service> services = byName(Service.class);
        for (Deployment d : cluster.admin.apps().deployments().inNamespace(cluster.namespace)
            .list().getItems()) {
          String child = d.getMetadata().getName();
          ConfigMap cm = configMaps.get(child);
          String bytes = cm == null || cm.getData() == null ? null
              : cm.getData().get(WebServerConfig.POLICY_KEY);
          if (bytes != null && !bytes.equals(lastServed(child))) {
            pods.pod(cluster, child).serve(bytes);
            served.computeIfAbsent(child, k -> new ArrayList<>());
            List<Served> history = served.get(child);
            synchronized (history) {
              history.add(new Served(System.nanoTime(), bytes));
            }
          }
          if (!RolloutStandIn.isRolledOut(d)) {
            RolloutStandIn.markRolledOut(cluster.admin, d);
          }
          Service svc = services.get(child);
          if (svc != null && lastServed(child) != null
              && !svc.getMetadata().getUid().equals(publishedService.get(child))) {
            RolloutStandIn.publishEndpoints(cluster.admin, svc, d,
                List.of(pods.pod(cluster, child).address()));
            publishedService.put(child, svc.getMetadata().getUid());
          }
        }
        checkPending();
        Thread.sleep(300);
      } catch (KubernetesClientException e) {
        // a conflict with the operator's write or an object gone meanwhile: next round
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private <T extends HasMetadata> Map<String, T> byName(Class<T> kind) {
    Map<String, T> found = new HashMap<>();
    for (T o : cluster.admin.resources(kind).inNamespace(cluster.namespace).list().getItems()) {
      found.put(o.getMetadata().getName(), o);
    }
    return found;
  }

  void changed(String name, MtaStsPolicy policy, String op) {
    pending.put(name, new Pending(name, policy.getMetadata().getUid(),
        Objects.requireNonNullElse(policy.getMetadata().getGeneration(), 1L), op,
        System.nanoTime()));
  }

  void killed() {
    kills.incrementAndGet();
  }

  void meddled() {
    meddled.incrementAndGet();
  }

  /** An outage or throttling of the control plane ended. */
  void controlPlaneFault() {
    controlPlaneFaults.incrementAndGet();
  }

  /** A scenario that did not bring about its fault checked nothing: a violation too. */
  void noFault(String what) {
    violations.add(what);
    System.out.println("VIOLATION " + what);
  }

  void guardForeign(String policyName, ConfigMap configMap) {
    this.foreignName = policyName;
    this.foreign = configMap;
  }

  void faultsEnded() {
    System.out.println("faults ended: " + kills.get() + " kills, " + meddled.get()
        + " edits or deletes by another client, " + controlPlaneFaults.get()
        + " control plane outages or throttlings; " + pending.size() + " changes pending");
  }

  private void checkPending() {
    Map<String, MtaStsPolicy> policies = byName(MtaStsPolicy.class);
    Map<String, ConfigMap> configMaps = byName(ConfigMap.class);
    for (Pending p : List.copyOf(pending.values())) {
      MtaStsPolicy now = policies.get(p.name());
      boolean sameObject = now != null && now.getMetadata().getUid().equals(p.uid());
      boolean done = "delete".equals(p.op()) ? !sameObject
          : sameObject && converged(now, configMaps);
      if (done && pending.remove(p.name(), p)) {
        double seconds = (System.nanoTime() - p.sinceNanos()) / 1e9;
        convergeSeconds.add(seconds);
        if (seconds > 30) {
          System.out.printf(java.util.Locale.ROOT, "slow: %s of %s converged after %.1f s%n",
              p.op(), p.name(), seconds);
        }
      }
    }
  }

  /**
   * Converged: the operator observed the current generation, advertises an id, the id's bytes
   * are what the ConfigMap holds and no rollout is pending. (Ready also needs the live
   * verification of public DNS and HTTPS, which this loopback run cannot pass; see
   * docs/testing.md.)
   */
  private boolean converged(MtaStsPolicy p, Map<String, ConfigMap> configMaps) {
    var s = p.getStatus();
    if (s == null || s.getPolicyId() == null || p.isMarkedForDeletion()
        || !Objects.equals(s.getObservedGeneration(), p.getMetadata().getGeneration())
        || !s.condition(ConditionTypes.POLICY_SERVED).map(c -> "True".equals(c.getStatus()))
            .orElse(false)) {
      return false;
    }
    ConfigMap cm = configMaps.get(ChildNames.of(p));
    return cm != null && cm.getData() != null
        && Objects.equals(s.getPolicy(), cm.getData().get(WebServerConfig.POLICY_KEY))
        && (s.getRollout() == null || s.getPolicyId().equals(s.getRollout().getPolicyId()));
  }

  /**
   * Waits up to {@code bound} for every change to converge, then checks children, orphans and
   * the foreign object; returns a description of what broke, or null.
   */
  String awaitConvergence(Duration bound, List<String> names) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    for (Pending p : pending.values()) {
      stuck++;
      MtaStsPolicy now = cluster.get(p.name());
      violations.add("stuck: " + p.op() + " of " + p.name() + " not converged within " + bound
          + "; status now: " + (now == null ? "gone" : cluster.admin
              .getKubernetesSerialization().asJson(now.getStatus())));
    }
    // the garbage collector removes a retired policy's children shortly after it goes
    Set<String> orphanNames = Set.of();
    for (int attempt = 0; attempt < 60; attempt++) {
      orphanNames = orphanedChildren();
      if (orphanNames.isEmpty()) {
        break;
      }
      Thread.sleep(1000);
    }
    orphans = orphanNames.size();
    if (orphans > 0) {
      violations.add("orphans: " + orphanNames);
    }
    checkChildren(names);
    checkForeign();
    System.out.println("observer: " + idsChecked.get() + " id writes checked against served"
        + " bytes, " + convergeSeconds.size() + " changes converged");
    // a run in which nothing was advertised or converged has checked nothing
    if (idsChecked.get() == 0 || convergeSeconds.isEmpty()) {
      violations.add("the observer saw no id written or no change converge: nothing was checked");
    }
    synchronized (violations) {
      violations.forEach(v -> System.out.println("VIOLATION " + v));
      return violations.isEmpty() ? null : violations.size() + " violations, first: "
          + violations.get(0);
    }
  }

  /** Children of every kind owned by a policy that no longer exists. */
  private Set<String> orphanedChildren() {
    Set<String> live = new HashSet<>();
    cluster.admin.resources(MtaStsPolicy.class).inNamespace(cluster.namespace).list().getItems()
        .forEach(p -> live.add(p.getMetadata().getUid()));
    Set<String> found = new HashSet<>();
    for (var kind : FaultRun.kinds()) {
      for (HasMetadata o : cluster.admin.resources(kind).inNamespace(cluster.namespace).list()
          .getItems()) {
        for (OwnerReference r : o.getMetadata().getOwnerReferences()) {
          if ("MtaStsPolicy".equals(r.getKind()) && !live.contains(r.getUid())) {
            found.add(kind.getSimpleName() + "/" + o.getMetadata().getName());
          }
        }
      }
    }
    return found;
  }

  /** Each live policy owns exactly one child of each kind, at its child name. */
  private void checkChildren(List<String> names) {
    for (String name : names) {
      MtaStsPolicy p = cluster.get(name);
      if (p == null || p.isMarkedForDeletion()) {
        continue;
      }
      Map<String, Integer> owned = new HashMap<>();
      for (var kind : FaultRun.kinds()) {
        for (HasMetadata o : cluster.admin.resources(kind).inNamespace(cluster.namespace).list()
            .getItems()) {
          if (o.getMetadata().getOwnerReferences().stream()
              .anyMatch(r -> r.getUid().equals(p.getMetadata().getUid()))) {
            owned.merge(kind.getSimpleName(), 1, Integer::sum);
          }
        }
        int n = owned.getOrDefault(kind.getSimpleName(), 0);
        HasMetadata atName = cluster.child(kind, ChildNames.of(p));
        if (n == 0 || atName == null) {
          lost++;
          violations.add("lost: " + kind.getSimpleName() + " of " + name);
        } else if (n > 1) {
          duplicates++;
          violations.add("duplicate: " + n + " " + kind.getSimpleName() + " owned by " + name);
        }
      }
    }
  }

  /** The ConfigMap of another owner is untouched and its policy says Conflict. */
  private void checkForeign() {
    if (foreign == null) {
      return;
    }
    ConfigMap now = cluster.child(ConfigMap.class, foreign.getMetadata().getName());
    if (now == null || !Objects.equals(now.getMetadata().getResourceVersion(),
        foreign.getMetadata().getResourceVersion())) {
      violations.add("the ConfigMap " + foreign.getMetadata().getName() + " of another owner was"
          + " changed or deleted: " + (now == null ? "gone" : now.getData()));
    }
    MtaStsPolicy p = cluster.get(foreignName);
    if (!FaultRun.conflicted(p)) {
      violations.add("policy " + foreignName + " does not report Conflict: "
          + (p == null ? "gone" : cluster.admin.getKubernetesSerialization()
              .asJson(p.getStatus())));
    }
  }

  private void violation(AtomicInteger counter, String what) {
    counter.incrementAndGet();
    violations.add(what);
    System.out.println("VIOLATION " + what);
  }

  int kills() {
    return kills.get();
  }

  int premature() {
    return premature.get();
  }

  int lost() {
    return lost;
  }

  int duplicates() {
    return duplicates;
  }

  int orphans() {
    return orphans;
  }

  int stuck() {
    return stuck;
  }

  double convergePercentile(int percentile) {
    List<Double> sorted;
    synchronized (convergeSeconds) {
      sorted = new ArrayList<>(convergeSeconds);
    }
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    Collections.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName() + " (uid " + o.getMetadata().getUid() + ")";
  }

  private static String quote(String s) {
    return s == null ? "nothing" : "'" + s.replace("\r\n", "\\r\\n") + "'";
  }

  @Override
  public void close() {
    closed.set(true);
    if (informer != null) {
      informer.close();
    }
    pending.clear();
  }
}
