package io.mtasts.operator.reconciler.tlsrpt;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mtasts.operator.tlsrpt.FailureDetail;
import io.mtasts.operator.tlsrpt.ReceivedReports;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-policy counters of the sessions received TLS reports describe:
 * {@code mtasts_tlsrpt_sessions_total{namespace,name,domain,result="success|failure"}} and
 * {@code mtasts_tlsrpt_failures_total{namespace,name,domain,result_type}}.
 *
 * <p>The values are the totals the server keeps in the policy's report ConfigMap, so they survive
 * restarts of both the server and the operator. Every result type of RFC 8460 and {@code other}
 * has a series from the first report on, at 0 until a report names it: an alert on its
 * {@code increase()} then sees the first failure too. Reporting organizations are not labels, so
 * a policy has at most 14 series however many senders report.
 */
public final class TlsRptMetrics {

  private static final class PolicyCounters {
    final String domain;
    volatile ReceivedReports.Counts totals = ReceivedReports.Counts.ZERO;
    final List<Meter> meters = new ArrayList<>();

    PolicyCounters(String domain) {
      this.domain = domain;
    }
  }

  /** Every result_type label value: RFC 8460's types and {@link ReceivedReports#OTHER}. */
  public static final List<String> RESULT_TYPES;

  static {
    TreeSet<String> types = new TreeSet<>(FailureDetail.STANDARD_RESULT_TYPES);
    types.add(ReceivedReports.OTHER);
    RESULT_TYPES = List.copyOf(types);
  }

  private final MeterRegistry registry;
  private final Map<String, PolicyCounters> byPolicy = new ConcurrentHashMap<>();

  public TlsRptMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Sets the totals of a policy; a new domain starts new series. */
  public synchronized void record(String namespace, String name, String domain,
      ReceivedReports.Counts totals) {
    String key = namespace + "/" + name;
    PolicyCounters counters = byPolicy.get(key);
    if (counters != null && !counters.domain.equals(domain)) {
      remove(namespace, name);
      counters = null;
    }
    if (counters == null) {
      counters = register(namespace, name, domain);
      byPolicy.put(key, counters);
    }
    counters.totals = totals;
  }

  private PolicyCounters register(String namespace, String name, String domain) {
    PolicyCounters c = new PolicyCounters(domain);
    Tags tags = Tags.of("namespace", namespace, "name", name, "domain", domain);
    c.meters.add(FunctionCounter.builder("mtasts.tlsrpt.sessions", c,
            p -> p.totals.successful())
        .description("Sessions received TLS reports describe, by result")
        .tags(tags.and("result", "success")).register(registry));
    c.meters.add(FunctionCounter.builder("mtasts.tlsrpt.sessions", c, p -> p.totals.failed())
        .description("Sessions received TLS reports describe, by result")
        .tags(tags.and("result", "failure")).register(registry));
    for (String type : RESULT_TYPES) {
      c.meters.add(FunctionCounter.builder("mtasts.tlsrpt.failures", c,
              p -> p.totals.failures().getOrDefault(type, 0L))
          .description("Failed sessions received TLS reports describe, by RFC 8460 result type")
          .tags(tags.and("result_type", type)).register(registry));
    }
    return c;
  }

  /** Removes a policy's series. */
  public synchronized void remove(String namespace, String name) {
    PolicyCounters c = byPolicy.remove(namespace + "/" + name);
    if (c != null) {
      c.meters.forEach(registry::remove);
    }
  }
}
