package io.mtasts.operator.serve;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.tlsrpt.ReceivedReports;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the reports a server accepted until they are written, in batches, to their policy's
 * ConfigMap ({@link ReportConfigMaps}), and remembers the report ids of the window so a report
 * sent twice is counted once.
 *
 * <p>A write reads the ConfigMap, merges the new reports by id and replaces it with the
 * resourceVersion read, retrying on a conflict: several replicas of a server write the same
 * ConfigMaps without losing or doubling each other's reports. Writes happen at most once per
 * {@code flushEvery} per policy, never per request. {@link #accept} hands back a future that
 * completes once the report is written, so that a sender hears 2xx only for a stored report; one
 * queued when the process dies was never acknowledged, and its sender sends it again.
 */
public final class ReportStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReportStore.class);

  /** Accepted reports not yet written, per policy; beyond this the receiver answers 503. */
  static final int MAX_PENDING = 1000;
  private static final int ATTEMPTS = 5;

  /** What became of a report handed to {@link #accept}. */
  public enum Outcome {
    /** Queued for the next write; {@link Admission#stored()} completes when it is written. */
    QUEUED,
    /** Already received; {@link Admission#stored()} completes when that one is written. */
    DUPLICATE,
    /** The reports of the window are not loaded yet: the id cannot be checked. */
    NOT_LOADED,
    /** Too many reports wait to be written (the API server does not take them). */
    BUSY
  }

  /** What {@link #accept} decided, and when the report is (or was) written. */
  public record Admission(Outcome outcome, CompletableFuture<Void> stored) {
    static Admission done(Outcome outcome) {
      return new Admission(outcome, CompletableFuture.completedFuture(null));
    }
  }

  private static final class Pending {
    PolicyHosts.Entry entry;
    final List<ReceivedReports.Received> reports = new ArrayList<>();
    /** Per report id: completed once that report is written. */
    final Map<String, CompletableFuture<Void>> written = new HashMap<>();
  }

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final Duration flushEvery;
  private final Map<String, Set<String>> seen = new HashMap<>();
  private final Map<String, Pending> pending = new HashMap<>();
  private final Object writing = new Object();
  private volatile ScheduledExecutorService flusher;
  private volatile boolean loaded;

  /** @param namespace the server's own namespace, where the ConfigMaps are */
  public ReportStore(KubernetesClient client, String namespace, Clock clock, Duration flushEvery) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
    this.flushEvery = flushEvery;
  }

  /** Loads the ids of the window and starts the periodic writes; retries the load if it fails. */
  public synchronized void start() {
    flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tlsrpt-store");
      t.setDaemon(true);
      return t;
    });
    flusher.scheduleWithFixedDelay(() -> {
      try {
        if (!loaded) {
          load();
        }
        flush();
      } catch (RuntimeException e) {
        LOG.warn("writing received TLS reports failed; retrying: {}", e.getMessage());
      }
    }, 0, flushEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reads the ids of the reports already stored in this namespace. */
  public void load() {
    List<ConfigMap> maps = client.configMaps().inNamespace(namespace)
        .withLabel(ReportConfigMaps.LABEL, "true").list().getItems();
    synchronized (this) {
      for (ConfigMap map : maps) {
        String uid = map.getMetadata().getLabels().get(ReportConfigMaps.POLICY_UID_LABEL);
        ReportConfigMaps.read(map).ifPresent(r ->
            seen.computeIfAbsent(uid, u -> new HashSet<>()).addAll(r.ids()));
      }
      loaded = true;
    }
    LOG.info("loaded the ids of received TLS reports of {} policies", maps.size());
  }

  public boolean isLoaded() {
    return loaded;
  }

  /** Queues {@code report} for the policy {@code entry}, unless its id is known. */
  public synchronized Admission accept(PolicyHosts.Entry entry,
      ReceivedReports.Received report) {
    if (!loaded) {
      return Admission.done(Outcome.NOT_LOADED);
    }
    if (seen.getOrDefault(entry.uid(), Set.of()).contains(report.id())) {
      return Admission.done(Outcome.DUPLICATE);
    }
    Pending waiting = pending.computeIfAbsent(entry.uid(), u -> new Pending());
    waiting.entry = entry;
    CompletableFuture<Void> queued = waiting.written.get(report.id());
    if (queued != null) {
      return new Admission(Outcome.DUPLICATE, queued);
    }
    if (waiting.reports.size() >= MAX_PENDING) {
      return Admission.done(Outcome.BUSY);
    }
    waiting.reports.add(report);
    CompletableFuture<Void> written = new CompletableFuture<>();
    waiting.written.put(report.id(), written);
    return new Admission(Outcome.QUEUED, written);
  }

  /** How many reports wait to be written. */
  synchronized int queued() {
    return pending.values().stream().mapToInt(p -> p.reports.size()).sum();
  }

  /** Writes every policy's waiting reports; those that fail stay waiting for the next time. */
  public void flush() {
    synchronized (writing) {
      Map<String, Pending> batch = new HashMap<>();
      synchronized (this) {
        pending.forEach((uid, p) -> {
          if (!p.reports.isEmpty()) {
            Pending copy = new Pending();
            copy.entry = p.entry;
            copy.reports.addAll(p.reports);
            batch.put(uid, copy);
          }
        });
      }
      batch.forEach((uid, p) -> {
        try {
          ReceivedReports written = write(p.entry, p.reports);
          synchronized (this) {
            Set<String> ids = seen.computeIfAbsent(uid, u -> new HashSet<>());
            ids.clear();
            ids.addAll(written.ids());
            p.reports.forEach(r -> ids.add(r.id()));
            Pending left = pending.get(uid);
            left.reports.removeAll(p.reports);
            p.reports.forEach(r -> {
              CompletableFuture<Void> done = left.written.remove(r.id());
              if (done != null) {
                done.complete(null);
              }
            });
            if (left.reports.isEmpty()) {
              pending.remove(uid);
            }
          }
        } catch (KubernetesClientException e) {
          LOG.warn("storing {} TLS reports of {} failed (they stay queued): {}",
              p.reports.size(), p.entry.key(), e.getMessage());
        }
      });
    }
  }

  private ReceivedReports write(PolicyHosts.Entry entry, List<ReceivedReports.Received> fresh) {
    String name = ReportConfigMaps.name(entry.uid());
    var resource = client.configMaps().inNamespace(namespace).withName(name);
    for (int attempt = 1; ; attempt++) {
      ConfigMap current = resource.get();
      ReceivedReports merged = ReportConfigMaps.read(current)
          .orElseGet(() -> ReceivedReports.empty(entry.domain()))
          .merge(fresh, clock.instant(), ReportConfigMaps.WINDOW, ReportConfigMaps.MAX_REPORTS);
      merged = new ReceivedReports(entry.domain(), merged.reports(), merged.retired());
      ConfigMap desired = ReportConfigMaps.build(namespace, entry.key(), entry.uid(), merged);
      try {
        if (current == null) {
          client.resource(desired).create();
        } else {
          desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
          client.resource(desired).update();
        }
        return merged;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= ATTEMPTS) {
          throw e;
        }
        // another replica wrote in between: merge into what it wrote
      }
    }
  }

  /** Stops the periodic writes and writes what is waiting once more. */
  @Override
  public void close() {
    if (flusher != null) {
      flusher.shutdownNow();
      try {
        flusher.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (loaded) {
      try {
        flush();
      } catch (RuntimeException e) {
        LOG.warn("writing received TLS reports at shutdown failed: {}", e.getMessage());
      }
    }
  }
}
