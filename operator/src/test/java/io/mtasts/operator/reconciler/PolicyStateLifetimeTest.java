package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.testing.Policies;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the operator keeps per policy goes with the policy, and follows its domain. */
class PolicyStateLifetimeTest {

  private OperatorHarness cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String scrape() {
    return cluster.runtime().meterRegistry().scrape();
  }

  private void createVerified(String name, String domain) {
    cluster.create(Policies.basic(name, domain));
    cluster.awaitChild(Deployment.class, "mta-sts-" + name, x -> true);
    cluster.completeRollout("mta-sts-" + name);
    cluster.awaitPolicy(name, p -> p.getStatus() != null && p.getStatus()
        .condition(ConditionTypes.VERIFIED).map(c -> c.getStatus().equals("True")).orElse(false));
    await().atMost(OperatorHarness.TIMEOUT)
        .until(() -> scrape().contains("name=\"" + name + "\""));
  }

  @Test
  void theSeriesOfTheLastDeletedPolicyGoWithoutAnyOtherPolicyBeingReconciled() throws Exception {
    cluster = new OperatorHarness();
    cluster.start();
    createVerified("example", "example.com");
    assertThat(scrape()).contains("mtasts_check_result{check=\"StsTxtRecord\","
        + "domain=\"example.com\",name=\"example\",namespace=\"mail\"} 0.0");

    // gone at once, not after a retirement of the policy's max_age
    cluster.edit("example", p -> p.getMetadata().getAnnotations()
        .put(RetireAnnotation.KEY, RetireAnnotation.IMMEDIATE));
    cluster.client.resource(cluster.get("example")).delete();

    await().atMost(DeletedPolicyPruner.PERIOD.plus(Duration.ofSeconds(10)))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !scrape().contains("name=\"example\""));
    assertThat(scrape()).doesNotContain("mtasts_check_result{");
  }

  @Test
  void theDomainLabelFollowsADomainChange() throws Exception {
    cluster = new OperatorHarness();
    cluster.start();
    createVerified("example", "example.com");

    cluster.edit("example", p -> p.getSpec().setDomain("example.org"));

    await().atMost(OperatorHarness.TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> scrape().contains("domain=\"example.org\""));
    assertThat(scrape()).doesNotContain("domain=\"example.com\"");
    MtaStsPolicy changed = cluster.get("example");
    assertThat(changed.getStatus().getPolicyUrl())
        .isEqualTo("https://mta-sts.example.org/.well-known/mta-sts.txt");
  }
}
