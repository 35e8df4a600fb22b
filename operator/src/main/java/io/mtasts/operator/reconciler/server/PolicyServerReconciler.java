package io.mtasts.operator.reconciler.server;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.reconciler.PolicyStatusWrite;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerStatus;
import io.mtasts.operator.reconciler.SharedHostSweep;
import io.mtasts.operator.reconciler.status.StatusConditions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one {@link MtaStsPolicyServer} into a running shared policy server: its ServiceAccount
 * and the read-only RBAC for it, a Service, a Deployment and, with more than one replica, a
 * PodDisruptionBudget. Objects it does not own are never changed (Ready=False, Conflict). Status
 * reports the ready replicas the Deployment reports and the policies that name this server.
 *
 * <p>RBAC objects cluster-wide or in other namespaces cannot be owned through an owner
 * reference; they carry the server's uid in a label and the finalizer removes them.
 */
@ControllerConfiguration(name = PolicyServerReconciler.NAME)
public class PolicyServerReconciler
    implements Reconciler<MtaStsPolicyServer>, Cleaner<MtaStsPolicyServer> {

  public static final String NAME = "mtastspolicyserver";
  /** How often the count of served policies is refreshed without another event. */
  static final Duration RECOUNT = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(PolicyServerReconciler.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final List<Class<? extends HasMetadata>> NAMESPACED_RBAC =
      List.of(RoleBinding.class, Role.class);
  private static final List<Class<? extends HasMetadata>> CLUSTER_RBAC =
      List.of(ClusterRoleBinding.class, ClusterRole.class);

  private final ServerSettings settings;
  private final Clock clock;
  private final ServerRecount recount;

  public PolicyServerReconciler(ServerSettings settings, Clock clock) {
    this(settings, clock, new ServerRecount());
  }

  /** {@code recount} carries policy changes in and the counts out of the policy controller. */
  public PolicyServerReconciler(ServerSettings settings, Clock clock, ServerRecount recount) {
    this.settings = settings;
    this.clock = clock;
    this.recount = recount;
  }

  @Override
  public List<EventSource<?, MtaStsPolicyServer>> prepareEventSources(
      EventSourceContext<MtaStsPolicyServer> context) {
    // a replica becoming ready changes status.readyReplicas
    InformerEventSourceConfiguration<Deployment> deployments =
        InformerEventSourceConfiguration.from(Deployment.class, MtaStsPolicyServer.class)
            .withName("server-deployments")
            .withNamespacesInheritedFromController()
            .withLabelSelector(ServerChildNames.SELECTOR)
            .build();
    return List.of(new InformerEventSource<>(deployments, context), recount.eventSource());
  }

  @Override
  public UpdateControl<MtaStsPolicyServer> reconcile(
      MtaStsPolicyServer server, Context<MtaStsPolicyServer> context) {
    KubernetesClient client = context.getClient();
    String name = server.getMetadata().getNamespace() + "/" + server.getMetadata().getName();
    MtaStsPolicyServerStatus before = server.getStatus();
    MtaStsPolicyServerStatus status = before == null
        ? new MtaStsPolicyServerStatus() : SERIALIZATION.clone(before);
    long generation = Objects.requireNonNullElse(server.getMetadata().getGeneration(), 0L);
    StatusConditions conditions =
        new StatusConditions(status.getConditions(), generation, clock.instant());
    status.setObservedGeneration(generation);

    decide(server, client, status, conditions, name);
    sweepSharedHosts(server, client, name);

    status.setConditions(conditions.toList());
    if (!SERIALIZATION.asJson(status).equals(SERIALIZATION.asJson(before))) {
      writeStatus(server, status, context);
    }
    return UpdateControl.<MtaStsPolicyServer>noUpdate().rescheduleAfter(RECOUNT);
  }

  /**
   * Removes the Ingresses and Certificates in this server's namespace whose policy is gone or
   * serves elsewhere now ({@link SharedHostSweep}); a failure is retried at the next recount.
   */
  private static void sweepSharedHosts(MtaStsPolicyServer server, KubernetesClient client,
      String name) {
    try {
      new SharedHostSweep(client).sweep(server);
    } catch (KubernetesClientException e) {
      LOG.warn("{}: sweeping orphaned policy hosts failed (HTTP {}): {}", name, e.getCode(),
          e.getMessage());
    }
  }

  /** Validate, check for conflicts, write the children, then read what they report. */
  private void decide(MtaStsPolicyServer server, KubernetesClient client,
      MtaStsPolicyServerStatus status, StatusConditions conditions, String name) {
    List<String> problems = ServerSpecProblems.of(server.getSpec(), settings);
    if (!problems.isEmpty()) {
      LOG.info("{}: invalid spec, children left unchanged: {}", name, problems);
      conditions.set(ConditionTypes.READY, false, ConditionReasons.INVALID_SPEC,
          String.join("; ", problems));
      return;
    }
    String image = server.getSpec().getImage() == null || server.getSpec().getImage().isBlank()
        ? settings.image() : server.getSpec().getImage();
    List<HasMetadata> desired = new ArrayList<>();
    desired.add(DesiredServerChildren.serviceAccount(server));
    desired.addAll(DesiredServerChildren.rbac(server));
    desired.add(DesiredServerChildren.service(server));
    desired.add(DesiredServerChildren.deployment(server, image));
    boolean disruptionBudget = server.getSpec().effectiveReplicas() > 1;
    if (disruptionBudget) {
      desired.add(DesiredServerChildren.podDisruptionBudget(server));
    }

    ServerChildWriter writer = new ServerChildWriter(client);
    String uid = server.getMetadata().getUid();
    List<HasMetadata> existing = new ArrayList<>();
    // every child is checked before any is written, so a conflict changes nothing
    for (HasMetadata child : desired) {
      HasMetadata found = writer.existing(child);
      Optional<String> conflict = ServerChildWriter.conflict(found, uid, name);
      if (conflict.isPresent()) {
        LOG.info("{}: conflict: {}", name, conflict.get());
        conditions.set(ConditionTypes.READY, false, ConditionReasons.CONFLICT, conflict.get());
        return;
      }
      existing.add(found);
    }
    for (int i = 0; i < desired.size(); i++) {
      writer.write(desired.get(i), existing.get(i));
    }
    if (!disruptionBudget) {
      deleteIfOwned(client, DesiredServerChildren.podDisruptionBudget(server), uid);
    }
    removeStaleRbac(server, client, desired);

    Deployment deployment = client.resources(Deployment.class)
        .inNamespace(server.getMetadata().getNamespace())
        .withName(ServerChildNames.of(server)).get();
    reportReplicas(server, deployment, status, conditions);
    Optional<ServerRecount.Counts> counts = recount.count(server);
    if (counts.isPresent()) {
      status.setPoliciesReferencing(counts.get().referencing());
      status.setPoliciesServed(counts.get().served());
    } else {
      // no policy controller in this process to count from
      status.setPoliciesServed(new ServedPolicyCount(client).count(server));
    }
  }

  private static void reportReplicas(MtaStsPolicyServer server, Deployment deployment,
      MtaStsPolicyServerStatus status, StatusConditions conditions) {
    int wanted = server.getSpec().effectiveReplicas();
    var observed = deployment == null ? null : deployment.getStatus();
    int ready = observed == null || observed.getReadyReplicas() == null
        ? 0 : observed.getReadyReplicas();
    status.setReadyReplicas(ready);
    boolean current = observed != null && observed.getObservedGeneration() != null
        && observed.getObservedGeneration()
            >= Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 0L);
    if (current && ready >= wanted) {
      conditions.set(ConditionTypes.READY, true, ConditionReasons.READY,
          ready + " of " + wanted + " server replicas ready");
    } else {
      conditions.set(ConditionTypes.READY, false, ConditionReasons.REPLICAS_NOT_READY,
          ready + " of " + wanted + " server replicas ready"
              + (current ? "" : "; the Deployment has not yet observed the current spec"));
    }
  }

  private static void deleteIfOwned(KubernetesClient client, HasMetadata child, String uid) {
    HasMetadata found = client.resource(child).get();
    if (found != null && ServerChildWriter.isOwned(found, uid)) {
      client.resource(found).delete();
    }
  }

  /** RBAC objects of this server that the spec no longer asks for (namespaces changed). */
  private void removeStaleRbac(
      MtaStsPolicyServer server, KubernetesClient client, List<HasMetadata> desired) {
    Set<String> wanted = new LinkedHashSet<>();
    desired.forEach(d -> wanted.add(key(d)));
    for (HasMetadata object : ownedRbac(server, client)) {
      if (!wanted.contains(key(object))) {
        client.resource(object).delete();
      }
    }
  }

  /** Every RBAC object labelled with this server's uid, where the operator may look. */
  private List<HasMetadata> ownedRbac(MtaStsPolicyServer server, KubernetesClient client) {
    String uid = server.getMetadata().getUid();
    List<HasMetadata> out = new ArrayList<>();
    if (uid == null) {
      return out;
    }
    for (Class<? extends HasMetadata> kind : NAMESPACED_RBAC) {
      var resources = client.resources(kind);
      if (settings.watchesAllNamespaces()) {
        out.addAll(resources.inAnyNamespace()
            .withLabel(ServerChildNames.SERVER_UID_LABEL, uid).list().getItems());
      } else {
        for (String namespace : settings.watchNamespaces()) {
          out.addAll(resources.inNamespace(namespace)
              .withLabel(ServerChildNames.SERVER_UID_LABEL, uid).list().getItems());
        }
      }
    }
    if (settings.watchesAllNamespaces()) {
      // only an operator watching every namespace can hold (and so grant) cluster-wide reads
      for (Class<? extends HasMetadata> kind : CLUSTER_RBAC) {
        HasMetadata found = client.resources(kind).withName(ServerChildNames.rbac(server)).get();
        if (found != null && ServerChildWriter.isOwned(found, uid)) {
          out.add(found);
        }
      }
    }
    return out;
  }

  private static String key(HasMetadata object) {
    return object.getKind() + "/" + object.getMetadata().getNamespace() + "/"
        + object.getMetadata().getName();
  }

  /** Removes the RBAC objects garbage collection cannot: cluster-wide and in other namespaces. */
  @Override
  public DeleteControl cleanup(MtaStsPolicyServer server, Context<MtaStsPolicyServer> context) {
    KubernetesClient client = context.getClient();
    for (HasMetadata object : ownedRbac(server, client)) {
      client.resource(object).delete();
    }
    // the policies' Ingresses and Certificates in this namespace route to a Service that goes
    new SharedHostSweep(client).removeAll(server);
    LOG.info("{}/{}: deleted; its RBAC objects are removed", server.getMetadata().getNamespace(),
        server.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  private static void writeStatus(MtaStsPolicyServer server, MtaStsPolicyServerStatus status,
      Context<MtaStsPolicyServer> context) {
    if (PolicyStatusWrite.serverSideApply(context)) {
      MtaStsPolicyServer applied = new MtaStsPolicyServer();
      applied.setMetadata(new ObjectMetaBuilder()
          .withName(server.getMetadata().getName())
          .withNamespace(server.getMetadata().getNamespace())
          .build());
      applied.setStatus(status);
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(server, applied, context);
    } else {
      PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(server, context, s -> {
        s.setStatus(status);
        return s;
      });
    }
  }
}
