package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.certmanager.api.model.v1.Certificate;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.SharedPolicy;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.plan.SharedHost;
import io.mtasts.operator.plan.SharedServerName;
import io.mtasts.operator.reconciler.server.ServerChildNames;
import io.mtasts.operator.reconciler.server.DesiredServerChildren;
import io.mtasts.operator.reconciler.server.ServerRecount;
import io.mtasts.operator.reconciler.server.SharedServerAccess;
import io.mtasts.operator.reconciler.status.NotServed;
import io.mtasts.operator.reconciler.status.StatusAggregator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a policy from the shared MtaStsPolicyServer its {@code spec.server.ref} names, in place
 * of the workflow of its own web server. The order keeps the rule of the dedicated mode: the
 * validated bytes go to {@code status.shared} (the only input of the server's pods) in one status
 * write, and only a later reconcile probes; the id is advertised once every ready endpoint of the
 * server's Service answers with exactly those bytes. With no pod rollout in the way, the probe is
 * repeated within a second or two, not at the rollout's pace.
 *
 * <p>A policy that had a web server of its own keeps it, untouched and serving, until the shared
 * server serves the current bytes; then its ConfigMap, Deployment and Service are deleted.
 */
final class SharedServing {

  /** The first recheck after a handover or a probe that found the bytes not served yet. */
  static final Duration FIRST_RECHECK = Duration.ofSeconds(1);
  /** The longest wait between probes of a handover that is not served yet. */
  static final Duration LONGEST_RECHECK = Duration.ofSeconds(5);
  /** How soon a refused reference (server missing or not allowing the namespace) is read again. */
  static final Duration REFUSED_RECHECK = Duration.ofSeconds(5);
  /**
   * Probes after a handover whose miss leaves status as it is (about 4 s: 1 + 1 + 2): the
   * servers' watches usually bring the bytes within them, and writing each miss would cost the
   * API server a status write per policy for news that is over a second later. Status keeps
   * saying HandedOver, which stays true; a later miss is written with what the probe found.
   */
  static final int QUIET_MISSES = 3;

  private static final Logger LOG = LoggerFactory.getLogger(SharedServing.class);
  private static final List<Class<? extends HasMetadata>> OWN_SERVER =
      List.of(Deployment.class, Service.class, ConfigMap.class, Ingress.class, Certificate.class);

  private final EndpointProbe probe;
  private volatile ServerRecount recount = new ServerRecount();
  private final SharedServerLookup servers = new SharedServerLookup();
  /** Probes in a row that found the current handover not served, per policy. */
  private final Map<ResourceID, Integer> misses = new ConcurrentHashMap<>();

  SharedServing(EndpointProbe probe) {
    this.probe = probe;
  }

  /** Where changes of the policies' shared state are reported, for the servers' counts. */
  void reportTo(ServerRecount recount) {
    this.recount = recount;
  }

  ServerRecount recount() {
    return recount;
  }

  /**
   * Whether the server a shared host routes to exists, as read at most {@link
   * SharedServerLookup#FRESH} ago.
   */
  boolean serverExists(KubernetesClient client, SharedHost host) {
    return servers.get(client, new SharedServerName(host.serverNamespace(), host.serverName()))
        != null;
  }

  /** Why the referenced server cannot serve this policy; empty when it may. */
  Optional<SharedServerAccess.Refusal> refusal(MtaStsPolicy policy, PolicyPlan plan,
      Context<MtaStsPolicy> context) {
    SharedServerName name = plan.sharedServer().orElseThrow();
    MtaStsPolicyServer server = servers.get(context.getClient(), name);
    return SharedServerAccess.check(name, server, plan.namespace());
  }

  /**
   * Hands the plan's bytes to the server in the status write that also records their newly
   * allocated id: the server may serve them from then on, the id goes out only after the probe.
   */
  void handOver(PolicyPlan plan, StatusAggregator report) {
    report.status().setShared(handover(plan));
    recount.changed(plan.sharedServer().orElseThrow().key());
    misses.remove(ResourceID.fromResource(plan.primary()));
    report.served(plan, Optional.of(handedOver(plan)));
  }

  private static NotServed handedOver(PolicyPlan plan) {
    return new NotServed(ConditionReasons.HANDED_OVER, "policy " + plan.policyId()
        + " was handed to the shared MtaStsPolicyServer " + plan.sharedServer().orElseThrow().key()
        + " in status.shared; its endpoints are being asked for it");
  }

  /**
   * One step of serving the plan from the shared server: the handover if status does not hold it
   * yet, the probe of every ready server endpoint otherwise. Reports PolicyServed (and the
   * advertised id once served); returns when to look again, empty once served.
   */
  Optional<Duration> serve(MtaStsPolicy policy, PolicyPlan plan, Context<MtaStsPolicy> context,
      StatusAggregator report, Supplier<Optional<NotServed>> certificate) {
    SharedServerName server = plan.sharedServer().orElseThrow();
    ResourceID id = ResourceID.fromResource(policy);
    SharedPolicy wanted = handover(plan);
    if (!SharedPolicyHandover.isCurrent(policy, wanted)) {
      // written with this reconcile's status; the probe waits for the next reconcile, so the
      // server's pods can never be asked before the bytes are there to be read
      handOver(plan, report);
      return Optional.of(FIRST_RECHECK);
    }
    Optional<NotServed> waiting = probe(plan, server, context);
    if (waiting.isPresent()) {
      int missed = misses.merge(id, 1, Integer::sum);
      LOG.debug("{}/{}: probe {} of policy {} missed: {}", plan.namespace(),
          policy.getMetadata().getName(), missed, plan.policyId(), waiting.get().message());
      if (missed > QUIET_MISSES || !saysHandedOver(report)) {
        report.served(plan, waiting);
      }
      return Optional.of(recheck(missed));
    }
    waiting = certificate.get();
    if (waiting.isEmpty()) {
      waiting = MxGuard.hold(policy, plan, context).map(held -> new NotServed(
          MxGuard.verdict(context).map(MxGuard.Verdict::reason)
              .orElse(ConditionReasons.MX_NOT_COVERED), held));
    }
    boolean newlyServed = waiting.isEmpty()
        && !plan.policyId().equals(report.status().getPolicyId());
    report.served(plan, waiting);
    if (waiting.isPresent()) {
      int missed = misses.merge(id, 1, Integer::sum);
      return Optional.of(recheck(missed));
    }
    misses.remove(id);
    if (newlyServed) {
      LOG.info("{}/{}: policy {} is served by the shared server {}; advertising its id",
          plan.namespace(), policy.getMetadata().getName(), plan.policyId(), server.key());
      recount.changed(server.key());
    }
    removeOwnServer(policy, context);
    return Optional.empty();
  }

  /**
   * A policy back on a web server of its own: once that server serves the plan, the shared
   * server stops serving it ({@code status.shared} goes), never before.
   */
  void left(StatusAggregator report, Optional<NotServed> waiting) {
    SharedPolicy shared = report.status().getShared();
    if (shared != null && waiting.isEmpty()) {
      report.status().setShared(null);
      recount.changed(shared.getServer());
    }
  }

  /**
   * Whether status says the current bytes were just handed over, not yet found missing. HandedOver
   * is only ever written with the handover itself, so once status.shared holds the plan's bytes
   * it speaks of them.
   */
  private static boolean saysHandedOver(StatusAggregator report) {
    return report.conditions().find(ConditionTypes.POLICY_SERVED)
        .filter(c -> ConditionReasons.HANDED_OVER.equals(c.getReason()))
        .isPresent();
  }

  /** One second after the first miss, doubling to at most {@link #LONGEST_RECHECK}. */
  static Duration recheck(int missed) {
    long millis = FIRST_RECHECK.toMillis() << Math.min(Math.max(missed - 1, 0), 10);
    return Duration.ofMillis(Math.min(millis, LONGEST_RECHECK.toMillis()));
  }

  private static SharedPolicy handover(PolicyPlan plan) {
    return SharedPolicyHandover.of(plan.sharedServer().orElseThrow().key(), plan.domain(),
        plan.policyId(), plan.policyText());
  }

  private Optional<NotServed> probe(PolicyPlan plan, SharedServerName server,
      Context<MtaStsPolicy> context) {
    String service = ServerChildNames.of(server.name());
    List<ServingEndpoint> endpoints = ServingEndpoints.of(service,
        DesiredServerChildren.HTTP_PORT_NAME,
        ServedEndpointSlices.ofShared(context, server.namespace(), service));
    if (endpoints.isEmpty()) {
      return Optional.of(new NotServed(ConditionReasons.NO_SERVING_ENDPOINT, "the shared"
          + " MtaStsPolicyServer " + server.key() + " has no ready endpoint: no EndpointSlice of"
          + " its Service " + server.namespace() + "/" + service + " lists a ready pod address,"
          + " so nothing serves policy " + plan.policyId()));
    }
    try {
      return probe.check(plan, server.namespace() + "/" + service, endpoints);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(new NotServed(ConditionReasons.ENDPOINT_PROBE_FAILED,
          "interrupted while fetching the policy from the shared server"));
    }
  }

  /** Deletes the policy's own web server, now that the shared server serves its policy. */
  private static void removeOwnServer(MtaStsPolicy policy, Context<MtaStsPolicy> context) {
    String uid = policy.getMetadata().getUid();
    for (Class<? extends HasMetadata> kind : OWN_SERVER) {
      Optional<? extends HasMetadata> child;
      try {
        child = context.getSecondaryResource(kind);
      } catch (RuntimeException e) {
        // no informer for the kind: cert-manager is not installed, so there is none to delete
        continue;
      }
      if (child.isPresent() && ConflictCheck.isOwnedBy(child.get(), uid)
          && Objects.equals(child.get().getMetadata().getNamespace(),
              policy.getMetadata().getNamespace())) {
        LOG.info("{}/{}: the shared server serves the policy; deleting its own {} {}",
            policy.getMetadata().getNamespace(), policy.getMetadata().getName(),
            child.get().getKind(), child.get().getMetadata().getName());
        context.getClient().resource(child.get()).delete();
      }
    }
  }
}
