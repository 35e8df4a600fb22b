package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** mtasts_policy_served exists from a policy's first reconcile, so "never served" alerts. */
class PolicyServedGaugeTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PolicyMetrics metrics = new PolicyMetrics(registry, Clock.systemUTC());
  private final ResourceID id = new ResourceID("example", "mail");

  private Double value(String domain) {
    var gauge = registry.find("mtasts_policy_served").tags("namespace", "mail", "name",
        "example", "domain", domain).gauge();
    return gauge == null ? null : gauge.value();
  }

  @Test
  void aPolicyNotServedYetIsZeroAndOneOnceServed() {
    metrics.served(id, "example.com", false);
    assertThat(value("example.com")).isEqualTo(0.0);
    metrics.served(id, "example.com", true);
    assertThat(value("example.com")).isEqualTo(1.0);
  }

  @Test
  void aNewDomainReplacesTheSeriesAndADeletedPolicyDropsIt() {
    metrics.served(id, "example.com", true);
    metrics.served(id, "example.org", false);
    assertThat(value("example.com")).isNull();
    assertThat(value("example.org")).isEqualTo(0.0);
    metrics.retainOnly(x -> false);
    assertThat(registry.find("mtasts_policy_served").gauges()).isEmpty();
  }
}
