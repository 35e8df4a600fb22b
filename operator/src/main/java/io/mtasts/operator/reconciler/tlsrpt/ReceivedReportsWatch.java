package io.mtasts.operator.reconciler.tlsrpt;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.TlsRptStatus;
import io.mtasts.operator.reconciler.status.PolicyEvents;
import io.mtasts.operator.serve.ReportConfigMaps;
import io.mtasts.operator.tlsrpt.ReceivedReports;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the report ConfigMaps shared servers write ({@link ReportConfigMaps}) and turns each
 * batch into the policy's counters ({@link TlsRptMetrics}), its {@code status.tlsRpt} summary and
 * a Warning Event for a failure type new to the window.
 *
 * <p>A ConfigMap changes once per batch, so status and Events follow batches, never requests.
 * Only the leader writes status and Events; every instance exports the counters, which are the
 * totals stored in the ConfigMap. A periodic resync lets a new leader bring a summary up to date
 * (the window also moves on without new reports). A ConfigMap whose labelled policy uid is not
 * the policy of that name (deleted, or deleted and created again) is ignored.
 */
public final class ReceivedReportsWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReceivedReportsWatch.class);
  static final Duration RESYNC = Duration.ofMinutes(10);
  // the reconciler writes status too; a conflict with it is retried on a fresh read
  private static final int ATTEMPTS = 10;

  private final KubernetesClient client;
  private final Set<String> namespaces;
  private final TlsRptMetrics metrics;
  private final PolicyEvents events;
  private final BooleanSupplier leading;
  private final Clock clock;
  private final List<SharedIndexInformer<ConfigMap>> informers = new ArrayList<>();

  /** @param namespaces the namespaces to watch; empty for all */
  public ReceivedReportsWatch(KubernetesClient client, Set<String> namespaces,
      TlsRptMetrics metrics, PolicyEvents events, BooleanSupplier leading, Clock clock) {
    this.client = client;
    this.namespaces = Set.copyOf(namespaces);
    this.metrics = metrics;
    this.events = events;
    this.leading = leading;
    this.clock = clock;
  }

  public synchronized void start() {
    if (namespaces.isEmpty()) {
      inform(client.configMaps().inAnyNamespace().withLabel(ReportConfigMaps.LABEL, "true")
          .runnableInformer(RESYNC.toMillis()));
    } else {
      for (String namespace : namespaces) {
        inform(client.configMaps().inNamespace(namespace)
            .withLabel(ReportConfigMaps.LABEL, "true").runnableInformer(RESYNC.toMillis()));
      }
    }
  }

  private void inform(SharedIndexInformer<ConfigMap> informer) {
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(ConfigMap map) {
        handle(map);
      }

      @Override
      public void onUpdate(ConfigMap old, ConfigMap map) {
        handle(map);
      }

      @Override
      public void onDelete(ConfigMap map, boolean finalStateUnknown) {
        policyKey(map).ifPresent(key -> metrics.remove(key[0], key[1]));
      }
    });
    informers.add(informer);
    informer.start();
  }

  private static Optional<String[]> policyKey(ConfigMap map) {
    var annotations = map.getMetadata().getAnnotations();
    String key = annotations == null ? null : annotations.get(ReportConfigMaps.POLICY_ANNOTATION);
    if (key == null || key.indexOf('/') < 1) {
      return Optional.empty();
    }
    return Optional.of(key.split("/", 2));
  }

  /** One ConfigMap's state: counters, then (when leading) the summary and Events. */
  void handle(ConfigMap map) {
    Optional<String[]> key = policyKey(map);
    Optional<ReceivedReports> reports = ReportConfigMaps.read(map);
    String where = map.getMetadata().getNamespace() + "/" + map.getMetadata().getName();
    if (key.isEmpty() || reports.isEmpty()) {
      LOG.warn("ConfigMap {} is labelled {} but holds no readable reports; ignored", where,
          ReportConfigMaps.LABEL);
      return;
    }
    String namespace = key.get()[0];
    String name = key.get()[1];
    String uid = map.getMetadata().getLabels().get(ReportConfigMaps.POLICY_UID_LABEL);
    try {
      MtaStsPolicy policy = client.resources(MtaStsPolicy.class).inNamespace(namespace)
          .withName(name).get();
      if (policy == null || !Objects.equals(uid, policy.getMetadata().getUid())) {
        LOG.debug("ConfigMap {}: no policy {}/{} with uid {}; ignored", where, namespace, name,
            uid);
        metrics.remove(namespace, name);
        return;
      }
      metrics.record(namespace, name, reports.get().domain(), reports.get().totals());
      if (leading.getAsBoolean()) {
        summarize(policy, reports.get());
      }
    } catch (RuntimeException e) {
      // the next batch or the resync tries again; an informer handler must not die of it
      LOG.warn("TLS reports of {}/{} (ConfigMap {}) not applied yet: {}", namespace, name, where,
          e.toString());
    }
  }

  private void summarize(MtaStsPolicy policy, ReceivedReports reports) {
    TlsRptStatus next = TlsRptSummary.of(reports, clock.instant(), ReportConfigMaps.WINDOW);
    MtaStsPolicy latest = policy;
    String uid = policy.getMetadata().getUid();
    for (int attempt = 1; ; attempt++) {
      TlsRptStatus stored = latest.getStatus() == null ? null : latest.getStatus().getTlsRpt();
      if (Objects.equals(stored, next)) {
        TlsRptStatusOwnership.written(uid, next);
        return;
      }
      // what this process last wrote, when the stored copy lost it to a concurrent write
      TlsRptStatus previous = TlsRptStatusOwnership.lastWritten(uid)
          .orElse(Optional.ofNullable(stored)).orElse(null);
      if (latest.getStatus() == null) {
        latest.setStatus(new MtaStsPolicyStatus());
      }
      latest.getStatus().setTlsRpt(next);
      try {
        MtaStsPolicy written = client.resource(latest).updateStatus();
        TlsRptStatusOwnership.written(uid, next);
        warnOfNewTypes(written, previous, next);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= ATTEMPTS) {
          throw e;
        }
        latest = client.resource(policy).get();
        if (latest == null) {
          return;
        }
      }
    }
  }

  private void warnOfNewTypes(MtaStsPolicy policy, TlsRptStatus previous, TlsRptStatus next) {
    List<String> fresh = TlsRptSummary.newFailureTypes(previous, next);
    if (fresh.isEmpty()) {
      return;
    }
    String counts = next.getTopFailureTypes().stream()
        .filter(t -> fresh.contains(t.substring(0, t.indexOf(':'))))
        .collect(Collectors.joining(", "));
    events.record(policy, "Warning", ConditionReasons.TLSRPT_NEW_FAILURE_TYPE,
        "TLS reports for " + policy.getSpec().getDomain() + " name failure type"
            + (fresh.size() > 1 ? "s " : " ") + String.join(", ", fresh) + " not seen in the"
            + " last " + next.getWindow() + (counts.isEmpty() ? "" : " (sessions: " + counts + ")")
            + "; see status.tlsRpt and the README section on TLS reports");
  }

  @Override
  public synchronized void close() {
    for (SharedIndexInformer<ConfigMap> informer : informers) {
      informer.close();
      for (ConfigMap map : informer.getStore().list()) {
        TlsRptStatusOwnership.forget(map.getMetadata().getLabels()
            .get(ReportConfigMaps.POLICY_UID_LABEL));
      }
    }
    informers.clear();
  }
}
