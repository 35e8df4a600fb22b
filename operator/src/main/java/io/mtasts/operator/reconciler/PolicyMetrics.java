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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Per-policy Prometheus gauges of the live verification:
 * {@code mtasts_check_result} (0 Pass, 1 Warn, 2 Fail, -1 Skipped, per check),
 * {@code mtasts_certificate_days_left} and
 * {@code mtasts_verification_last_success_age_seconds}.
 */
public final class PolicyMetrics {

  /** The values of one policy's gauges, read at scrape time. */
  private static final class PolicyGauges {
    final String domain;
    final Map<CheckName, Double> results = new EnumMap<>(CheckName.class);
    volatile Instant certificateNotAfter;
    volatile Instant lastSuccess;
    final List<Meter> meters = new ArrayList<>();

    PolicyGauges(String domain) {
      this.domain = domain;
    }
  }

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<ResourceID, PolicyGauges> byPolicy = new ConcurrentHashMap<>();

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
    if (report.passed()) {
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
        .description("Seconds since the last verification without a failed check")
        .tags(tags)
        .register(registry));
    return g;
  }

  /** Drops the gauges of policies that no longer exist. */
  public void retainOnly(Predicate<ResourceID> exists) {
    byPolicy.entrySet().removeIf(e -> {
      if (exists.test(e.getKey())) {
        return false;
      }
      e.getValue().meters.forEach(registry::remove);
      return true;
    });
  }
}
