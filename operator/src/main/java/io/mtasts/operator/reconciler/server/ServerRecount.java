package io.mtasts.operator.reconciler.server;

import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.SharedPolicy;
import io.mtasts.operator.plan.SharedServerName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a shared server's counts of policies current without a status write per policy change:
 * the policy reconciler says which server a change concerns, and the server is reconciled (and
 * recounts) at most once per {@link #MIN_INTERVAL}, the last change of a burst always included.
 * The counts come from the policy controller's own cache, indexed by server, so a recount reads
 * nothing from the API server however many policies there are.
 */
public final class ServerRecount implements AutoCloseable {

  /** Least time between two recounts of one server that policy changes ask for. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(2);
  private static final String BY_SERVER = "mtasts.bySharedServer";

  /** How many policies name a server, and how many of them it serves the advertised id of. */
  public record Counts(int referencing, int served) {}

  private final SimpleInboundEventSource<MtaStsPolicyServer> events =
      new SimpleInboundEventSource<>("policy-changes");
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> lastSent = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "server-recount");
    t.setDaemon(true);
    return t;
  });
  private volatile IndexerResourceCache<MtaStsPolicy> policies;

  /** The event source the server controller reconciles on. */
  public SimpleInboundEventSource<MtaStsPolicyServer> eventSource() {
    return events;
  }

  /** Counts from {@code cache}, the cache of every policy, from now on. */
  public void attach(IndexerResourceCache<MtaStsPolicy> cache) {
    cache.addIndexer(BY_SERVER, ServerRecount::servers);
    policies = cache;
  }

  /** A policy naming the server {@code serverKey} (NAMESPACE/NAME) changed. */
  public void changed(String serverKey) {
    if (serverKey == null || !pending.add(serverKey)) {
      return;
    }
    long now = System.nanoTime();
    long last = lastSent.getOrDefault(serverKey, now - MIN_INTERVAL.toNanos());
    long delay = Math.max(0, last + MIN_INTERVAL.toNanos() - now);
    try {
      timer.schedule(() -> send(serverKey), delay, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: the operator is stopping
      pending.remove(serverKey);
    }
  }

  private void send(String serverKey) {
    lastSent.put(serverKey, System.nanoTime());
    pending.remove(serverKey);
    int slash = serverKey.indexOf('/');
    events.propagateEvent(new ResourceID(serverKey.substring(slash + 1),
        serverKey.substring(0, slash)));
  }

  /** The counts for {@code server}; empty until the policy controller's cache is attached. */
  public Optional<Counts> count(MtaStsPolicyServer server) {
    IndexerResourceCache<MtaStsPolicy> cache = policies;
    if (cache == null) {
      return Optional.empty();
    }
    String key = server.getMetadata().getNamespace() + "/" + server.getMetadata().getName();
    return Optional.of(count(cache.byIndex(BY_SERVER, key), key));
  }

  static Counts count(List<MtaStsPolicy> candidates, String key) {
    int referencing = 0;
    int served = 0;
    for (MtaStsPolicy policy : candidates) {
      if (SharedServerName.of(policy).map(SharedServerName::key).filter(key::equals)
          .isPresent()) {
        referencing++;
      }
      if (servesAdvertised(policy, key)) {
        served++;
      }
    }
    return new Counts(referencing, served);
  }

  /** Whether {@code status.shared} names the server and carries the advertised id. */
  static boolean servesAdvertised(MtaStsPolicy policy, String key) {
    var status = policy.getStatus();
    SharedPolicy shared = status == null ? null : status.getShared();
    return shared != null && key.equals(shared.getServer()) && status.getPolicyId() != null
        && Objects.equals(status.getPolicyId(), shared.getPolicyId());
  }

  /** The servers a policy concerns: the one it references and the one serving it. */
  private static List<String> servers(MtaStsPolicy policy) {
    List<String> keys = new ArrayList<>(2);
    SharedServerName.of(policy).ifPresent(s -> keys.add(s.key()));
    var status = policy.getStatus();
    if (status != null && status.getShared() != null && status.getShared().getServer() != null
        && !keys.contains(status.getShared().getServer())) {
      keys.add(status.getShared().getServer());
    }
    return keys;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
