package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mtasts.operator.verify.CheckName;
import io.mtasts.operator.verify.CheckOutcome;
import io.mtasts.operator.verify.Result;
import io.mtasts.operator.verify.VerificationReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Per-policy Prometheus gauges of the live verification:
 * {@code mtasts_check_result} (0 Pass, 1 Warn, 2 Fail, -1 Skipped, per check),
 * {@code mtasts_certificate_days_left},
 * {@code mtasts_verification_last_success_age_seconds},
 * {@code mtasts_mx_uncovered_hosts} (while an enforce policy is advertised), and from a
 * policy's first reconcile on {@code mtasts_policy_served} (1 while PolicyServed is True,
 * else 0), so that a policy that was never served has a series to alert on.
 */
public final class PolicyMetrics {

  /** The values of one policy's gauges, read at scrape time. */
  private static final class PolicyGauges {
    final String domain;
    final Map<CheckName, Double> results = new EnumMap<>(CheckName.class);
    volatile Instant certificateNotAfter;
    volatile Instant lastSuccess;
    volatile double uncoveredMx = Double.NaN;
    final List<Meter> meters = new ArrayList<>();

    PolicyGauges(String domain) {
      this.domain = domain;
    }
  }

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<ResourceID, PolicyGauges> byPolicy = new ConcurrentHashMap<>();
  private final Map<ResourceID, ServedGauge> served = new ConcurrentHashMap<>();

  /** One policy's {@code mtasts_policy_served}; a new domain is a new series. */
  private static final class ServedGauge {
    final String domain;
    volatile double value;
    Meter meter;

    ServedGauge(String domain) {
      this.domain = domain;
    }
  }

  public PolicyMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  static double value(Result result) {
    return switch (result) {
      case PASS -> 0;
      case WARN -> 1;
      case FAIL -> 2;
      case SKIPPED -> -1;
    };
  }

  public void record(ResourceID id, VerificationReport report) {
    // a policy whose domain changed gets new series: the old domain's would go on reporting
    // results that are not its own
    PolicyGauges gauges = byPolicy.compute(id, (k, existing) -> {
      if (existing != null && existing.domain.equals(report.domain())) {
        return existing;
      }
      if (existing != null) {
        existing.meters.forEach(registry::remove);
      }
      return register(k, report.domain());
    });
    synchronized (gauges.results) {
      for (CheckOutcome c : report.checks()) {
        gauges.results.put(c.name(), value(c.result()));
      }
    }
    gauges.certificateNotAfter = report.certificateNotAfter().orElse(null);
    // a verification that could not reach DNS or the policy host is no success to report
    if (report.ok()) {
      gauges.lastSuccess = report.checkedAt();
    }
  }

  private PolicyGauges register(ResourceID id, String domain) {
    PolicyGauges g = new PolicyGauges(domain);
    Tags tags = Tags.of("namespace", id.getNamespace().orElse(""), "name", id.getName(),
        "domain", domain);
    for (CheckName check : CheckName.values()) {
      g.meters.add(Gauge.builder("mtasts_check_result", g, x -> {
            synchronized (x.results) {
              return x.results.getOrDefault(check, Double.NaN);
            }
          })
          .description("Result of the last live check: 0 Pass, 1 Warn, 2 Fail, -1 Skipped")
          .tags(tags.and("check", check.label()))
          .register(registry));
    }
    g.meters.add(Gauge.builder("mtasts_certificate_days_left", g, x -> x.certificateNotAfter
            == null ? Double.NaN
            : Duration.between(clock.instant(), x.certificateNotAfter).toSeconds() / 86400.0)
        .description("Days until the policy host's certificate expires")
        .tags(tags)
        .register(registry));
    g.meters.add(Gauge.builder("mtasts_verification_last_success_age_seconds", g,
            x -> x.lastSuccess == null ? Double.NaN
                : Duration.between(x.lastSuccess, clock.instant()).toSeconds())
        .description("Seconds since the last conclusive verification (record found, policy fetched) without a failed check")
        .tags(tags)
        .register(registry));
    g.meters.add(Gauge.builder("mtasts_mx_uncovered_hosts", g, x -> x.uncoveredMx)
        .description("Live MX hosts the advertised enforce policy does not cover; senders"
            + " holding the policy refuse to deliver to them")
        .tags(tags)
        .register(registry));
    return g;
  }

  /**
   * Sets {@code mtasts_policy_served} of the policy {@code id}: registered on its first reconcile,
   * {@code domain} empty while the spec names none.
   */
  public void served(ResourceID id, String domain, boolean isServed) {
    String tag = domain == null ? "" : domain;
    // the last verification's results are of the old domain: they go with it, not only once
    // the new domain is verified
    byPolicy.computeIfPresent(id, (k, checked) -> {
      if (checked.domain.equals(tag)) {
        return checked;
      }
      checked.meters.forEach(registry::remove);
      return null;
    });
    ServedGauge gauge = served.compute(id, (k, old) -> {
      if (old != null && old.domain.equals(tag)) {
        return old;
      }
      if (old != null) {
        registry.remove(old.meter);
      }
      ServedGauge g = new ServedGauge(tag);
      g.meter = Gauge.builder("mtasts_policy_served", g, x -> x.value)
          .description("1 while the web server serves the policy of the current spec"
              + " (PolicyServed=True), else 0")
          .tags(Tags.of("namespace", k.getNamespace().orElse(""), "name", k.getName(),
              "domain", tag))
          .register(registry);
      return g;
    });
    gauge.value = isServed ? 1 : 0;
  }

  /**
   * The number of live MX hosts the advertised enforce policy does not cover; empty when not
   * measured (no enforce policy advertised, no MX record found), which the gauge shows as NaN.
   */
  public void recordUncoveredMx(ResourceID id, String domain, Optional<Integer> uncovered) {
    PolicyGauges gauges = byPolicy.computeIfAbsent(id, k -> register(k, domain));
    gauges.uncoveredMx = uncovered.map(Integer::doubleValue).orElse(Double.NaN);
  }

  /** Drops the gauges of policies that no longer exist. */
  public void retainOnly(Predicate<ResourceID> exists) {
    served.entrySet().removeIf(e -> {
      if (exists.test(e.getKey())) {
        return false;
      }
      registry.remove(e.getValue().meter);
      return true;
    });
    byPolicy.entrySet().removeIf(e -> {
      if (exists.test(e.getKey())) {
        return false;
      }
      e.getValue().meters.forEach(registry::remove);
      return true;
    });
  }
}
