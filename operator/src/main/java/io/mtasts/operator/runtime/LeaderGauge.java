package io.mtasts.operator.runtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;

/**
 * {@code mtasts_operator_leader}: 1 while this replica reconciles, else 0. Every replica exports
 * it, so "no replica leads" is {@code max(mtasts_operator_leader) < 1} over the replicas Prometheus
 * still scrapes; a replica that is down exports nothing, which is the operator-down alert's case.
 */
public final class LeaderGauge {

  public static final String NAME = "mtasts_operator_leader";

  private LeaderGauge() {}

  /** Registers the gauge; {@code reconciling} is read at every scrape. */
  public static void register(MeterRegistry registry, BooleanSupplier reconciling) {
    Gauge.builder(NAME, reconciling, r -> r.getAsBoolean() ? 1 : 0)
        .description("1 while this replica reconciles (holds the leader Lease, or runs without"
            + " leader election and has started), else 0")
        .strongReference(true)
        .register(registry);
  }
}
