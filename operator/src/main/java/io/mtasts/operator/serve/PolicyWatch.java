package io.mtasts.operator.serve;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.SharedPolicy;
import io.mtasts.operator.plan.PublishedRua;
import io.mtasts.operator.reconciler.PrunedItemStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link PolicyHosts} equal to the {@code status.shared} of the policies that name this
 * server, through informers on MtaStsPolicy (all namespaces, or one per namespace given).
 *
 * <p>Every event re-reads its policy from the informer's store rather than trusting the event's
 * copy, so a late event can never put back older bytes. The server is ready once every informer
 * has listed its namespaces and the index was built from that full list: a new replica never
 * answers 404 for a policy it has merely not loaded yet. After that a lost watch keeps the last
 * bytes served (the informer lists again when it reconnects).
 */
public final class PolicyWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyWatch.class);

  private final KubernetesClient client;
  private final String server;
  private final List<String> namespaces;
  private final PolicyHosts hosts;
  private final List<SharedIndexInformer<MtaStsPolicy>> informers = new ArrayList<>();
  private volatile boolean ready;
  private volatile Throwable failure;

  /**
   * @param server the server these policies must name, NAMESPACE/NAME
   * @param namespaces the namespaces to watch; empty for all
   */
  public PolicyWatch(KubernetesClient client, String server, List<String> namespaces,
      PolicyHosts hosts) {
    this.client = client;
    this.server = server;
    this.namespaces = List.copyOf(namespaces);
    this.hosts = hosts;
  }

  /** Starts the informers; {@link #isReady()} turns true once their first lists are loaded. */
  public synchronized void start() {
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    if (namespaces.isEmpty()) {
      synced.add(inform(client.resources(MtaStsPolicy.class).inAnyNamespace()
          .runnableInformer(0)));
    } else {
      for (String namespace : namespaces) {
        synced.add(inform(client.resources(MtaStsPolicy.class).inNamespace(namespace)
            .runnableInformer(0)));
      }
    }
    CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
      if (e != null) {
        failure = e;
        LOG.error("listing MtaStsPolicy failed; the server stays unready: {}", e.getMessage());
        return;
      }
      // under the index's lock, as every refresh: reads of the stores and changes of the index
      // happen in one order, so an older read can never overwrite a newer one
      synchronized (hosts) {
        List<PolicyHosts.Entry> entries = new ArrayList<>();
        for (SharedIndexInformer<MtaStsPolicy> informer : informers) {
          for (MtaStsPolicy policy : informer.getStore().list()) {
            entry(policy).ifPresent(entries::add);
          }
        }
        hosts.replaceAll(entries);
      }
      ready = true;
      LOG.info("loaded {} policy hosts for server {}", hosts.size(), server);
    });
  }

  private CompletableFuture<Void> inform(SharedIndexInformer<MtaStsPolicy> informer) {
    informer.itemStore(new PrunedItemStore<>(PolicyWatch::servedPart));
    informers.add(informer);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(MtaStsPolicy policy) {
        refresh(informer, Cache.metaNamespaceKeyFunc(policy));
      }

      @Override
      public void onUpdate(MtaStsPolicy old, MtaStsPolicy policy) {
        refresh(informer, Cache.metaNamespaceKeyFunc(policy));
      }

      @Override
      public void onDelete(MtaStsPolicy policy, boolean finalStateUnknown) {
        refresh(informer, Cache.metaNamespaceKeyFunc(policy));
      }
    });
    return informer.start().toCompletableFuture();
  }

  private void refresh(SharedIndexInformer<MtaStsPolicy> informer, String key) {
    synchronized (hosts) {
      MtaStsPolicy latest = informer.getStore().getByKey(key);
      Optional<PolicyHosts.Entry> entry = latest == null ? Optional.empty() : entry(latest);
      if (entry.isPresent()) {
        hosts.put(entry.get());
      } else {
        hosts.remove(key);
      }
    }
  }

  /**
   * What the store keeps of a policy: its metadata and spec, and of its status only {@code
   * status.shared}, which is all {@link #entry} reads; conditions and checks are most of a
   * policy's size.
   */
  static MtaStsPolicy servedPart(MtaStsPolicy policy) {
    MtaStsPolicyStatus status = policy.getStatus();
    if (status != null) {
      MtaStsPolicyStatus kept = new MtaStsPolicyStatus();
      kept.setShared(status.getShared());
      policy.setStatus(kept);
    }
    return policy;
  }

  /**
   * The claim of a policy on this server: only what the operator wrote to
   * {@code status.shared}, for this server and the policy's own domain.
   */
  Optional<PolicyHosts.Entry> entry(MtaStsPolicy policy) {
    SharedPolicy shared = policy.getStatus() == null ? null : policy.getStatus().getShared();
    if (shared == null || !server.equals(shared.getServer()) || shared.getPolicy() == null
        || shared.getDomain() == null || policy.getSpec() == null
        || policy.getSpec().getDomain() == null
        || !sameDomain(shared.getDomain(), policy.getSpec().getDomain())) {
      return Optional.empty();
    }
    return Optional.of(new PolicyHosts.Entry(
        Cache.metaNamespaceKeyFunc(policy),
        shared.getDomain(),
        created(policy.getMetadata().getCreationTimestamp()),
        policy.getMetadata().getUid(),
        shared.getPolicy().getBytes(StandardCharsets.UTF_8),
        PublishedRua.receives(policy.getSpec())));
  }

  private static boolean sameDomain(String a, String b) {
    return strip(a).equals(strip(b));
  }

  private static String strip(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }

  private static Instant created(String timestamp) {
    try {
      return timestamp == null ? Instant.MAX : Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return Instant.MAX;
    }
  }

  /** True once the first full list of every watched namespace is served. */
  public boolean isReady() {
    return ready;
  }

  /** False when the first list failed or an informer stopped. */
  public boolean isHealthy() {
    return failure == null && informers.stream().allMatch(SharedIndexInformer::isRunning);
  }

  /** Why the watch is unhealthy, for the health endpoint. */
  public String detail() {
    if (failure != null) {
      return "listing MtaStsPolicy failed: " + failure.getMessage();
    }
    return ready ? "serving " + hosts.size() + " hosts" : "loading MtaStsPolicy resources";
  }

  @Override
  public synchronized void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
