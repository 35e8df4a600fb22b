package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.externaldns.DNSEndpoint;
import io.mtasts.operator.api.v1alpha1.DnsSpec;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PolicyIds;
import io.mtasts.operator.testing.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A policy id is never reused for different bytes: when other bytes may have been served, the
 * next id advertised is new, even for bytes advertised before; ids survive restarts.
 */
class PolicyIdAllocationTest {

  static final String TESTING = PolicyLifecycleTest.TESTING_POLICY;
  static final String ENFORCE = PolicyLifecycleTest.ENFORCE_POLICY;
  static final String CHILD = PolicyLifecycleTest.CHILD;

  private OperatorHarness cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private MtaStsPolicy createServed(MtaStsPolicy policy) {
    cluster.create(policy);
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.completeRollout(CHILD);
    return cluster.awaitPolicy("example", p -> PolicyLifecycleTest.advertises(p, TESTING));
  }

  private String policyInConfigMap() {
    return cluster.child(ConfigMap.class, CHILD).getData().get("mta-sts.txt");
  }

  private String checksum() {
    return cluster.child(Deployment.class, CHILD).getSpec().getTemplate().getMetadata()
        .getAnnotations().get(DesiredChildren.CHECKSUM_ANNOTATION);
  }

  /**
   * Edits the spec so that it asks for {@code policy}, then waits until status holds a new
   * allocation for it, the ConfigMap holds it and the Deployment has the new pod template;
   * returns the allocated id.
   */
  private String change(Consumer<MtaStsPolicy> edit, String policy, String previousId) {
    String previousChecksum = checksum();
    cluster.edit("example", edit);
    String id = cluster.awaitPolicy("example", p -> p.getStatus().getRollout() != null
        && !p.getStatus().getRollout().getPolicyId().equals(previousId)
        && p.getStatus().getRollout().getPolicySha256().equals(
            PolicyIds.sha256Hex(policy.getBytes(StandardCharsets.US_ASCII))))
        .getStatus().getRollout().getPolicyId();
    cluster.awaitChild(ConfigMap.class, CHILD, cm -> cm.getData().get("mta-sts.txt")
        .equals(policy));
    cluster.awaitChild(Deployment.class, CHILD, d -> !previousChecksum.equals(d.getSpec()
        .getTemplate().getMetadata().getAnnotations().get(DesiredChildren.CHECKSUM_ANNOTATION)));
    return id;
  }

  private static String dnsEndpointId(DNSEndpoint endpoint) {
    String target = endpoint.getSpec().getEndpoints().get(0).getTargets().get(0);
    return target.substring(target.indexOf("id=") + 3);
  }

  @Test
  void revertingAPartlyServedChangeAdvertisesAnIdNeverAdvertisedBefore() throws Exception {
    cluster = new OperatorHarness();
    cluster.installExternalDns();
    cluster.start();
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getSpec().setDns(new DnsSpec(true));
    String idA = createServed(policy).getStatus().getPolicyId();
    cluster.awaitChild(DNSEndpoint.class, CHILD, e -> dnsEndpointId(e).equals(idA));

    // B reaches the ConfigMap and, through the mounted volume, pods of the old template; the
    // rollout of the new template never finishes
    String idB = change(p -> p.getSpec().setMode(Mode.ENFORCE), ENFORCE, idA);
    cluster.probe.serve(CHILD, ENFORCE.getBytes(StandardCharsets.US_ASCII));

    String idRevert = change(p -> p.getSpec().setMode(Mode.TESTING), TESTING, idB);

    assertThat(idRevert).isNotIn(idA, idB).isGreaterThan(idB);
    MtaStsPolicy rolling = cluster.get("example");
    assertThat(rolling.getStatus().getPolicyId()).as("advertised until A is served again")
        .isEqualTo(idA);
    assertThat(dnsEndpointId(cluster.child(DNSEndpoint.class, CHILD))).isEqualTo(idA);

    cluster.completeRollout(CHILD);
    MtaStsPolicy reverted = cluster.awaitPolicy("example",
        p -> idRevert.equals(p.getStatus().getPolicyId()));
    assertThat(reverted.getStatus().getPolicy()).isEqualTo(TESTING);
    assertThat(reverted.getStatus().getDnsRecords().get(0).getValue())
        .isEqualTo("v=STSv1; id=" + idRevert);
    assertThat(policyInConfigMap()).isEqualTo(TESTING);
    cluster.awaitChild(DNSEndpoint.class, CHILD, e -> dnsEndpointId(e).equals(idRevert));
  }

  @Test
  void anAllocatedIdSurvivesARestartAndIsTheOneAdvertised() throws Exception {
    cluster = new OperatorHarness();
    // the enforce policy's id goes out only when the MX guard sees its MX host covered
    cluster.dns.addMx("example.com", 10, "mail.example.com");
    cluster.start();
    String idA = createServed(Policies.basic("example", "example.com")).getStatus()
        .getPolicyId();
    String idB = change(p -> p.getSpec().setMode(Mode.ENFORCE), ENFORCE, idA);
    String checksum = checksum();

    cluster.restart();
    Thread.sleep(Duration.ofSeconds(2).toMillis());

    MtaStsPolicy afterRestart = cluster.get("example");
    assertThat(afterRestart.getStatus().getRollout().getPolicyId()).isEqualTo(idB);
    assertThat(afterRestart.getStatus().getPolicyId()).isEqualTo(idA);
    assertThat(checksum()).as("no second rollout after the restart").isEqualTo(checksum);
    cluster.completeRollout(CHILD);
    MtaStsPolicy advertised = cluster.awaitPolicy("example",
        p -> idB.equals(p.getStatus().getPolicyId()));
    assertThat(advertised.getStatus().getPolicy()).isEqualTo(ENFORCE);

    cluster.restart();
    Thread.sleep(Duration.ofSeconds(2).toMillis());
    assertThat(cluster.get("example").getStatus().getPolicyId()).isEqualTo(idB);
    assertThat(cluster.get("example").getStatus().getRollout().getPolicyId()).isEqualTo(idB);
  }

  @Test
  void twoChangesWithinOneSecondGetDistinctIncreasingIds() throws Exception {
    Instant now = Instant.parse("2026-03-01T12:00:00.100Z");
    // a clock that stands still: every allocation happens in the same second
    cluster = new OperatorHarness().clock(Clock.fixed(now, ZoneOffset.UTC));
    cluster.dns.addMx("example.com", 10, "mail.example.com");
    cluster.start();
    String idA = createServed(Policies.basic("example", "example.com")).getStatus()
        .getPolicyId();

    String idB = change(p -> p.getSpec().setMode(Mode.ENFORCE), ENFORCE, idA);
    String maxAgeDay = ENFORCE.replace("604800", "86400");
    String idC = change(p -> p.getSpec().setMaxAge(86400L), maxAgeDay, idB);

    assertThat(List.of(idA, idB, idC)).doesNotHaveDuplicates().isSorted();
    assertThat(PolicyIds.timeOf(idC)).contains(Instant.parse("2026-03-01T12:00:02Z"));
    cluster.completeRollout(CHILD);
    MtaStsPolicy advertised = cluster.awaitPolicy("example",
        p -> idC.equals(p.getStatus().getPolicyId()));
    assertThat(advertised.getStatus().getPolicy()).isEqualTo(maxAgeDay);
  }
}
