package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mtasts.operator.testing.VerifierDouble;
import io.mtasts.operator.verify.Expectations;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The per-policy series follow the policy: its domain, and its existence. */
class PolicyMetricsTest {

  private static final ResourceID POLICY = new ResourceID("example", "mail");
  private static final Expectations EXPECTED = Expectations.builder().id("20260301120000abcdef")
      .build();

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PolicyMetrics metrics = new PolicyMetrics(registry, Clock.systemUTC());
  private final VerifierDouble verifier = new VerifierDouble();

  @Test
  void theDomainLabelFollowsADomainChange() {
    metrics.record(POLICY, verifier.verify("example.com", EXPECTED));

    metrics.record(POLICY, verifier.verify("example.org", EXPECTED));

    String scrape = registry.scrape();
    assertThat(scrape).contains("mtasts_check_result{check=\"StsTxtRecord\","
        + "domain=\"example.org\",name=\"example\",namespace=\"mail\"} 0.0");
    assertThat(scrape).doesNotContain("domain=\"example.com\"");
  }

  @Test
  void theSeriesOfAPolicyThatNoLongerExistsGo() {
    ResourceID other = new ResourceID("other", "mail");
    metrics.record(POLICY, verifier.verify("example.com", EXPECTED));
    metrics.record(other, verifier.verify("example.net", EXPECTED));

    metrics.retainOnly(id -> id.equals(other));

    String scrape = registry.scrape();
    assertThat(scrape).doesNotContain("name=\"example\"");
    assertThat(scrape).contains("name=\"other\"");
  }
}
