package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.externaldns.DNSEndpoint;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.DnsSpec;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.testing.Policies;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Given a policy published through external-dns, when {@code spec.dns.externalDns} is turned
 * off, then its DNSEndpoint (and with it the TXT record) stays until the policy is retired or the
 * retire annotation says otherwise.
 */
class ExternalDnsOffTest {

  static final String CHILD = "mta-sts-example";

  private OperatorHarness cluster;
  private String advertisedId;

  @BeforeEach
  void start() throws Exception {
    cluster = new OperatorHarness();
    cluster.installExternalDns();
    cluster.start();
    cluster.dns.addMx("example.com", 10, "mail.example.com");
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getSpec().setMaxAge(2L);
    policy.getSpec().setDns(new DnsSpec());
    policy.getSpec().getDns().setExternalDns(true);
    cluster.create(policy);
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.completeRollout(CHILD);
    advertisedId = cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().getPolicyId() != null).getStatus().getPolicyId();
    cluster.awaitChild(DNSEndpoint.class, CHILD, x -> true);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private void turnOffExternalDns() {
    cluster.edit("example", p -> p.getSpec().getDns().setExternalDns(false));
    cluster.awaitPolicy("example", p -> p.getStatus().getObservedGeneration() == 2L);
  }

  private String publishedTxt() {
    return cluster.child(DNSEndpoint.class, CHILD).getSpec().getEndpoints().get(0).getTargets()
        .get(0);
  }

  @Test
  void turningExternalDnsOffKeepsTheRecordAndSaysWhy() throws Exception {
    turnOffExternalDns();
    Thread.sleep(1000); // a reconcile that deleted it would have done so by now
    assertThat(cluster.child(DNSEndpoint.class, CHILD)).isNotNull();
    assertThat(publishedTxt()).isEqualTo("v=STSv1; id=" + advertisedId);
    assertThat(cluster.client.v1().events().inNamespace(OperatorHarness.NAMESPACE).list()
        .getItems()).filteredOn(e -> ConditionReasons.DNS_ENDPOINT_KEPT.equals(e.getReason()))
        .singleElement().satisfies(e -> assertThat(e.getMessage()).contains(advertisedId));
  }

  @Test
  void theRetireAnnotationLetsItGo() {
    turnOffExternalDns();
    cluster.edit("example", p -> p.getMetadata().getAnnotations()
        .put(RetireAnnotation.KEY, RetireAnnotation.IMMEDIATE));
    await().atMost(OperatorHarness.TIMEOUT)
        .until(() -> cluster.child(DNSEndpoint.class, CHILD) == null);
  }

  @Test
  void itGoesOnceModeNoneWasHeldForTheMaxAge() {
    turnOffExternalDns();
    cluster.edit("example", p -> p.getSpec().setMode(Mode.NONE));
    cluster.awaitChild(ConfigMap.class, CHILD, cm -> cm.getData()
        .get(WebServerConfig.POLICY_KEY).contains("mode: none"));
    cluster.completeRollout(CHILD);
    // mode none is advertised through the kept DNSEndpoint first
    String noneId = cluster.awaitPolicy("example", p -> p.getStatus().getPolicy()
        .contains("mode: none")).getStatus().getPolicyId();
    await().atMost(OperatorHarness.TIMEOUT).until(() -> {
      DNSEndpoint e = cluster.child(DNSEndpoint.class, CHILD);
      return e == null || publishedTxt().equals("v=STSv1; id=" + noneId);
    });
    await().atMost(OperatorHarness.TIMEOUT)
        .until(() -> cluster.child(DNSEndpoint.class, CHILD) == null);
  }
}
