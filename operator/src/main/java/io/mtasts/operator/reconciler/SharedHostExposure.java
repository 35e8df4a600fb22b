package io.mtasts.operator.reconciler;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.plan.SharedHost;
import io.mtasts.operator.reconciler.server.DesiredServerChildren;
import io.mtasts.operator.reconciler.server.ServerChildNames;
import io.mtasts.operator.reconciler.status.StatusAggregator;
import io.mtasts.operator.reconciler.status.TlsSecretFinding;
import io.mtasts.operator.verify.HostLookup;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the host {@code mta-sts.<domain>} of a policy served by a shared MtaStsPolicyServer
 * reachable: its Ingress (backend: the server's Service) and, once the host resolves, its
 * cert-manager Certificate, both in the server's namespace ({@link SharedHost}). Objects standing
 * at those names that are not the policy's are never changed: the policy reports a Conflict.
 *
 * <p>The Certificate waits for DNS because cert-manager keeps an ACME order for a name that does
 * not resolve pending and retries it with back-off; with thousands of customer domains, many of
 * them not delegated yet, those orders crowd out the ones that could succeed. Once the
 * Certificate exists it is kept whatever DNS says later: a renewal is cert-manager's business.
 * A dedicated policy's Certificate is created at once, as before: its owner controls its DNS and
 * usually publishes the host first.
 */
public final class SharedHostExposure {

  /** How soon to ask DNS again while a host does not resolve. */
  public static final Duration DNS_RECHECK = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(SharedHostExposure.class);

  private final Function<String, HostLookup.HostAnswer> resolver;
  private final RefusalBackoff backoff;
  private final Clock clock;

  /**
   * @param resolver asks whether a host name resolves (the operator's configured DNS servers)
   */
  public SharedHostExposure(Function<String, HostLookup.HostAnswer> resolver, Clock clock) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.clock = clock;
    this.backoff = new RefusalBackoff(clock);
  }

  /** What one reconcile of a shared host did: when to look again, and whether it was refused. */
  public record Step(Optional<Duration> recheck, Optional<Duration> refused) {}

  /**
   * The objects standing at a shared host's names as one reconcile read them: the conflict check
   * reads them, and the writes after it start from the same read instead of reading again.
   */
  static final class Standing {
    private final Map<Class<?>, Optional<HasMetadata>> read = new HashMap<>();

    /** The object of {@code kind} at the host's name in the server's namespace, or null. */
    <T extends HasMetadata> T get(KubernetesClient client, Class<T> kind, SharedHost host) {
      return kind.cast(read.computeIfAbsent(kind, k -> Optional.ofNullable(
          client.resources(kind).inNamespace(host.serverNamespace()).withName(host.name())
              .get())).orElse(null));
    }
  }

  /**
   * An object standing at the shared host's names in the server's namespace that is not the
   * policy's: the message of the Conflict; empty for a dedicated policy or when there is none.
   */
  Optional<String> conflict(PolicyPlan plan, KubernetesClient client, CrdPresence crds,
      Standing standing) {
    Optional<SharedHost> shared = SharedHost.of(plan);
    if (shared.isEmpty()) {
      return Optional.empty();
    }
    SharedHost host = shared.get();
    List<Class<? extends HasMetadata>> kinds = new ArrayList<>(List.of(Ingress.class));
    if (plan.issuer().isPresent() && crds.isInstalled(CrdPresence.CERTIFICATES)) {
      kinds.add(Certificate.class);
    }
    String uid = plan.primary().getMetadata().getUid();
    for (Class<? extends HasMetadata> kind : kinds) {
      HasMetadata existing = standing.get(client, kind, host);
      if (existing != null && !SharedHost.belongsTo(existing, uid)) {
        return Optional.of(HasMetadata.getKind(kind) + " " + host.describe() + " already"
            + " exists and is not this MtaStsPolicy's (its label " + SharedHost.POLICY_UID_LABEL
            + " does not name it); it is left unchanged. Delete or rename it, or rename this"
            + " MtaStsPolicy");
      }
    }
    return Optional.empty();
  }

  /**
   * Writes the shared host's objects and reports CertificateReady; empty for a dedicated policy.
   * A refusal by the API server is reported as for any child and retried with back-off.
   * {@code serverExists} answers whether the host's MtaStsPolicyServer exists (a recent read
   * will do: the reconcile has just checked the reference).
   */
  Optional<Step> expose(PolicyPlan plan, KubernetesClient client, CrdPresence crds,
      StatusAggregator report, java.util.function.Predicate<SharedHost> serverExists,
      Standing standing) {
    Optional<SharedHost> shared = SharedHost.of(plan);
    if (shared.isEmpty()) {
      return Optional.empty();
    }
    SharedHost host = shared.get();
    MtaStsPolicy policy = plan.primary();
    ResourceID id = ResourceID.fromResource(policy);
    String name = policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
    String kind = "Ingress";
    try {
      if (!serverExists.test(host)) {
        // a host now would route to no Service, and a server's deletion removes its hosts,
        // which must not come back at once
        report.status().setCertificate(null);
        report.conditions().set(ConditionTypes.CERTIFICATE_READY, false,
            ConditionReasons.SHARED_SERVER_ABSENT, "spec.server.ref names MtaStsPolicyServer "
                + host.serverNamespace() + "/" + host.serverName() + ", which does not exist;"
                + " the Ingress and certificate for " + plan.policyHost() + " are made once it"
                + " does");
        return Optional.of(new Step(Optional.of(DNS_RECHECK), Optional.empty()));
      }
      Ingress ingress = write(client, host.ingress(plan, serviceName(host),
          DesiredServerChildren.SERVICE_PORT), standing.get(client, Ingress.class, host));
      boolean certManager = plan.issuer().isPresent()
          && crds.isInstalled(CrdPresence.CERTIFICATES);
      kind = "Certificate";
      Optional<Certificate> certificate = Optional.empty();
      Optional<HostLookup.HostAnswer> waiting = Optional.empty();
      if (certManager) {
        Certificate existing = standing.get(client, Certificate.class, host);
        if (existing != null) {
          certificate = Optional.of(write(client, host.certificate(plan), existing));
        } else {
          HostLookup.HostAnswer answer = resolver.apply(plan.policyHost());
          if (answer.resolves()) {
            LOG.info("{}: {} resolves; requesting its certificate", name,
                plan.policyHost());
            certificate = Optional.of(write(client, host.certificate(plan), null));
          } else {
            waiting = Optional.of(answer);
          }
        }
      } else if (crds.isInstalled(CrdPresence.CERTIFICATES)) {
        // the issuer was removed from the spec: the Certificate goes, the Secret stays
        deleteIfOurs(client, Certificate.class, host, policy.getMetadata().getUid());
      }
      backoff.accepted(id);
      Optional<TlsSecretFinding> secret = plan.usesExistingSecret()
          ? Optional.of(ExistingTlsSecret.inspect(client, plan, host.serverNamespace(),
              host.secretName(), clock.instant()))
          : Optional.empty();
      SharedHostStatus.report(report, plan, host, certManager, certificate, waiting,
          publicHost(ingress), secret);
      Optional<Duration> recheck = waiting.isPresent() ? Optional.of(DNS_RECHECK)
          : secret.flatMap(s -> ExistingTlsSecret.lookAgain(s, clock.instant()));
      return Optional.of(new Step(recheck, Optional.empty()));
    } catch (KubernetesClientException e) {
      Optional<ChildRefusal> refusal = ChildRefusal.of(kind, host.describe(), e);
      if (refusal.isEmpty()) {
        throw e;
      }
      Duration retry = backoff.refused(id, Objects.requireNonNullElse(
          policy.getMetadata().getGeneration(), 0L));
      LOG.warn("{}: the API server refused {} {} ({}, HTTP {}): {}; retry in {}s", name, kind,
          host.describe(), refusal.get().reason(), refusal.get().code(), refusal.get().apiMessage(),
          retry.toSeconds());
      report.childRefused(refusal.get().reason(), refusal.get().describe()
          + ". Objects already stored stay as they are; retried with back-off, at once when the"
          + " spec changes");
      return Optional.of(new Step(Optional.empty(), Optional.of(retry)));
    }
  }

  /**
   * The Certificate of a shared server's policy as stored in the server's namespace; empty for a
   * dedicated policy, or while there is none (no issuer, DNS not resolving yet). What the served
   * check waits for before a new id is advertised, as it waits for a dedicated policy's.
   */
  public static Optional<Certificate> certificateOf(PolicyPlan plan, KubernetesClient client) {
    return SharedHost.of(plan).map(host -> client.resources(Certificate.class)
        .inNamespace(host.serverNamespace()).withName(host.name()).get());
  }

  /** The shared server's Service, the Ingress backend. */
  private static String serviceName(SharedHost host) {
    return ServerChildNames.of(host.serverName());
  }

  /**
   * Removes the policy's shared-host objects from its server's namespace: once the policy is
   * retired and its finalizer is about to go. Only objects labelled with the policy's uid.
   */
  public static void remove(MtaStsPolicy policy, KubernetesClient client) {
    Optional<SharedHost> shared = SharedHost.of(policy);
    String uid = policy.getMetadata().getUid();
    if (shared.isEmpty() || uid == null) {
      return;
    }
    for (Class<? extends HasMetadata> kind : List.of(Ingress.class, Certificate.class)) {
      try {
        client.resources(kind).inNamespace(shared.get().serverNamespace())
            .withLabel(SharedHost.POLICY_UID_LABEL, uid).delete();
      } catch (KubernetesClientException e) {
        // cert-manager not installed (404), or the namespace already gone: nothing to remove
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
  }

  private static <T extends HasMetadata> void deleteIfOurs(KubernetesClient client,
      Class<T> kind, SharedHost host, String uid) {
    T found = client.resources(kind).inNamespace(host.serverNamespace())
        .withName(host.name()).get();
    if (found != null && SharedHost.belongsTo(found, uid)) {
      client.resource(found).delete();
    }
  }

  /**
   * Creates {@code desired} or brings {@code existing} (as read in this reconcile, already checked
   * to be ours) to it; labels and annotations others added stay. Unchanged objects are not
   * written; a write from a read that is no longer current is refused (409) and retried.
   */
  private static <T extends HasMetadata> T write(KubernetesClient client, T desired,
      T existing) {
    if (existing == null) {
      return client.resource(desired).create();
    }
    if (contains(existing.getMetadata().getLabels(), desired.getMetadata().getLabels())
        && contains(existing.getMetadata().getAnnotations(),
            desired.getMetadata().getAnnotations())
        && Objects.equals(spec(existing), spec(desired))
        && Objects.equals(existing.getMetadata().getOwnerReferences(),
            desired.getMetadata().getOwnerReferences())) {
      return existing;
    }
    Map<String, String> labels = new LinkedHashMap<>(orEmpty(existing.getMetadata().getLabels()));
    labels.putAll(orEmpty(desired.getMetadata().getLabels()));
    Map<String, String> annotations =
        new LinkedHashMap<>(orEmpty(existing.getMetadata().getAnnotations()));
    annotations.putAll(orEmpty(desired.getMetadata().getAnnotations()));
    desired.getMetadata().setLabels(labels);
    desired.getMetadata().setAnnotations(annotations);
    desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    return client.resource(desired).update();
  }

  private static Object spec(HasMetadata object) {
    if (object instanceof Ingress ingress) {
      return ingress.getSpec();
    }
    if (object instanceof Certificate certificate) {
      return certificate.getSpec();
    }
    throw new IllegalArgumentException("not a shared-host kind: " + object.getKind());
  }

  private static boolean contains(Map<String, String> have, Map<String, String> want) {
    return orEmpty(have).entrySet().containsAll(orEmpty(want).entrySet());
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  /**
   * The name or address the ingress controller reports for the Ingress: where the customer's
   * CNAME (or address record) must point. Empty until the controller has published one.
   */
  static Optional<String> publicHost(Ingress ingress) {
    if (ingress == null || ingress.getStatus() == null
        || ingress.getStatus().getLoadBalancer() == null
        || ingress.getStatus().getLoadBalancer().getIngress() == null) {
      return Optional.empty();
    }
    for (IngressLoadBalancerIngress lb : ingress.getStatus().getLoadBalancer().getIngress()) {
      if (lb.getHostname() != null && !lb.getHostname().isBlank()) {
        return Optional.of(lb.getHostname());
      }
      if (lb.getIp() != null && !lb.getIp().isBlank()) {
        return Optional.of(lb.getIp());
      }
    }
    return Optional.empty();
  }
}
