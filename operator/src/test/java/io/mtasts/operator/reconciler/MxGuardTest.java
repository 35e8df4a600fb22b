package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.externaldns.DNSEndpoint;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.DnsSpec;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.VerificationSpec;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PolicyIds;
import io.mtasts.operator.testing.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * The MX guard in the running operator: a new enforce policy's id is advertised (status and
 * DNSEndpoint) only when the live MX hosts, asked of the in-process DNS server, are covered.
 */
class MxGuardTest {

  private static final String CHILD = "mta-sts-example";
  private static final Duration SLOW = Duration.ofSeconds(40);
  private OperatorHarness cluster;
  /** The id of the testing policy advertised before each test changes it. */
  private String testingId;

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static String enforce(String... mx) {
    return "version: STSv1\r\nmode: enforce\r\n"
        + String.join("", List.of(mx).stream().map(m -> "mx: " + m + "\r\n").toList())
        + "max_age: 604800\r\n";
  }

  /** The id allocated for {@code policy}, read from status.rollout once it is there. */
  private String idOf(String policy) {
    String sha = PolicyIds.sha256Hex(policy.getBytes(StandardCharsets.US_ASCII));
    return cluster.awaitPolicy("example", p -> p.getStatus() != null
            && p.getStatus().getRollout() != null
            && sha.equals(p.getStatus().getRollout().getPolicySha256()))
        .getStatus().getRollout().getPolicyId();
  }

  /** A testing policy for example.com served and advertised, published through external-dns. */
  private void servedTestingPolicy() throws Exception {
    cluster = new OperatorHarness();
    cluster.installExternalDns();
    cluster.start();
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getSpec().setDns(new DnsSpec());
    policy.getSpec().getDns().setExternalDns(true);
    cluster.create(policy);
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.completeRollout(CHILD);
    rolledOutChecksum = checksumOf(cluster.child(Deployment.class, CHILD));
    testingId = cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().getPolicyId() != null).getStatus().getPolicyId();
    cluster.awaitChild(DNSEndpoint.class, CHILD, x -> true);
  }

  /** Switches to enforce with these mx patterns and plays the rollout of the new bytes. */
  private void switchToEnforce(String... mx) {
    cluster.edit("example", p -> {
      p.getSpec().setMode(Mode.ENFORCE);
      p.getSpec().setMx(List.of(mx));
    });
    rollOut(enforce(mx));
  }

  /** Waits for the ConfigMap and pod template of {@code policy}, then completes the rollout. */
  private void rollOut(String policy) {
    cluster.awaitChild(ConfigMap.class, CHILD,
        cm -> cm.getData().get("mta-sts.txt").equals(policy));
    cluster.awaitChild(Deployment.class, CHILD, d -> !checksumOf(d).equals(rolledOutChecksum));
    cluster.completeRollout(CHILD);
    rolledOutChecksum = checksumOf(cluster.child(Deployment.class, CHILD));
  }

  private String rolledOutChecksum = "";

  private static String checksumOf(Deployment d) {
    return d.getSpec().getTemplate().getMetadata().getAnnotations()
        .get(DesiredChildren.CHECKSUM_ANNOTATION);
  }

  private MtaStsPolicy awaitServedReason(String reason) {
    return await().atMost(SLOW).pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.get("example"), p -> p.getStatus() != null && p.getStatus()
            .condition(ConditionTypes.POLICY_SERVED)
            .map(c -> c.getReason().equals(reason)).orElse(false));
  }

  private String advertisedByDnsEndpoint() {
    return cluster.child(DNSEndpoint.class, CHILD).getSpec().getEndpoints().get(0).getTargets()
        .get(0);
  }

  private long mxQueries() {
    return cluster.dns.queries().stream()
        .filter(q -> q.type() == Type.MX && q.name().startsWith("example.com")).count();
  }

  private List<Event> events(String reason) {
    return cluster.client.v1().events().inNamespace(OperatorHarness.NAMESPACE).list()
        .getItems().stream().filter(e -> reason.equals(e.getReason())).toList();
  }

  @Test
  void coveredMxHostsLetTheEnforceIdOut() throws Exception {
    servedTestingPolicy();
    cluster.dns.addMx("example.com", 10, "mail.example.com")
        .addMx("example.com", 20, "backup.example.com");

    switchToEnforce("mail.example.com", "backup.example.com");

    String id = idOf(enforce("mail.example.com", "backup.example.com"));
    cluster.awaitPolicy("example", p -> id.equals(p.getStatus().getPolicyId()));
    cluster.awaitChild(DNSEndpoint.class, CHILD, e -> e.getSpec().getEndpoints().get(0)
        .getTargets().get(0).equals("v=STSv1; id=" + id));
    assertThat(mxQueries()).as("the guard asked the live MX records").isPositive();
  }

  @Test
  void anUncoveredMxHostHoldsTheIdUntilSpecCoversIt() throws Exception {
    servedTestingPolicy();
    cluster.dns.addMx("example.com", 10, "mail.example.com")
        .addMx("example.com", 20, "backup.example.net");

    switchToEnforce("mail.example.com");

    MtaStsPolicy held = awaitServedReason("MxNotCovered");
    var served = held.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow();
    assertThat(served.getStatus()).isEqualTo("False");
    assertThat(served.getMessage())
        .contains("MX host backup.example.net of example.com is not matched")
        .contains(idOf(enforce("mail.example.com")))
        .contains("policy id " + testingId + " stays advertised")
        .contains("spec.mx")
        .contains("mtasts.io/allow-uncovered-mx");
    assertThat(held.getStatus().getPolicyId()).isEqualTo(testingId);
    assertThat(held.getStatus().getDnsRecords().get(0).getValue())
        .isEqualTo("v=STSv1; id=" + testingId);
    assertThat(held.getStatus().condition(ConditionTypes.READY).orElseThrow().getReason())
        .isEqualTo("MxNotCovered");
    assertThat(advertisedByDnsEndpoint())
        .isEqualTo("v=STSv1; id=" + testingId);
    await().atMost(OperatorHarness.TIMEOUT).until(() -> events("MxNotCovered"), e -> !e.isEmpty());
    assertThat(events("MxNotCovered").get(0).getType()).isEqualTo("Warning");

    // held: the reconciles that look again (every 10 s while held) reuse the answer
    long queries = mxQueries();
    Thread.sleep(12_000);
    assertThat(mxQueries()).as("a held domain is not asked again per reconcile")
        .isEqualTo(queries);
    assertThat(cluster.get("example").getStatus().getPolicyId())
        .isEqualTo(testingId);

    // the spec now covers the host: looked up afresh and advertised
    cluster.edit("example", p -> p.getSpec().setMx(List.of("mail.example.com",
        "backup.example.net")));
    String covering = enforce("mail.example.com", "backup.example.net");
    rollOut(covering);
    String coveringId = idOf(covering);
    cluster.awaitPolicy("example", p -> coveringId.equals(p.getStatus().getPolicyId()));
    assertThat(mxQueries()).isGreaterThan(queries);
    cluster.awaitChild(DNSEndpoint.class, CHILD, e -> e.getSpec().getEndpoints().get(0)
        .getTargets().get(0).equals("v=STSv1; id=" + coveringId));
  }

  @Test
  void aWildcardCoversExactlyOneLabel() throws Exception {
    servedTestingPolicy();
    cluster.dns.addMx("example.com", 10, "a.mx.example.com")
        .addMx("example.com", 20, "b.c.mx.example.com");

    switchToEnforce("*.mx.example.com");

    MtaStsPolicy held = awaitServedReason("MxNotCovered");
    assertThat(held.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow()
        .getMessage()).contains("MX host b.c.mx.example.com of example.com is not matched")
        .doesNotContain("a.mx.example.com,");

    cluster.dns.remove("example.com", Type.MX).addMx("example.com", 10, "a.mx.example.com");
    cluster.edit("example", p -> p.getSpec().setMx(List.of("*.mx.example.com",
        "mail.example.com")));
    String policy = enforce("*.mx.example.com", "mail.example.com");
    rollOut(policy);
    String id = idOf(policy);
    cluster.awaitPolicy("example", p -> id.equals(p.getStatus().getPolicyId()));
  }

  @Test
  void aNullMxDomainGetsItsEnforcePolicyAndStatusSaysWhy() throws Exception {
    servedTestingPolicy();
    cluster.dns.addNullMx("example.com");

    switchToEnforce("mail.example.com");

    String id = idOf(enforce("mail.example.com"));
    MtaStsPolicy served = cluster.awaitPolicy("example",
        p -> id.equals(p.getStatus().getPolicyId()));
    var condition = served.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow();
    assertThat(condition.getReason()).isEqualTo("NullMx");
    assertThat(condition.getMessage()).contains("null MX").contains("receives no mail");
    assertThat(condition.getStatus()).isEqualTo("True");
    // it stays said while that id is out, not only in the reconcile that advertised it
    Thread.sleep(2000);
    assertThat(cluster.get("example").getStatus().condition(ConditionTypes.POLICY_SERVED)
        .orElseThrow().getReason()).isEqualTo("NullMx");
  }

  @Test
  void aDomainWithoutMxRecordsIsCheckedAsItsOwnMailHost() throws Exception {
    servedTestingPolicy();
    cluster.dns.addAddress("example.com", "192.0.2.1");

    switchToEnforce("mail.example.com");

    assertThat(awaitServedReason("MxNotCovered").getStatus()
        .condition(ConditionTypes.POLICY_SERVED).orElseThrow().getMessage())
        .contains("MX host example.com of example.com is not matched");
  }

  @Test
  void nxdomainHoldsTheIdAndSaysSo() throws Exception {
    servedTestingPolicy();

    switchToEnforce("mail.example.com");

    MtaStsPolicy held = awaitServedReason("DomainNotFound");
    assertThat(held.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow()
        .getMessage()).contains("example.com does not exist (NXDOMAIN)")
        .contains("MTASTS_DNS_SERVERS");
    assertThat(held.getStatus().getPolicyId()).isEqualTo(testingId);
  }

  @Test
  void servfailHoldsTheId() throws Exception {
    servedTestingPolicy();
    cluster.dns.addMx("example.com", 10, "mail.example.com").failWithServfail("example.com");

    switchToEnforce("mail.example.com");

    MtaStsPolicy held = awaitServedReason("MxLookupFailed");
    assertThat(held.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow()
        .getMessage()).contains("SERVFAIL").contains("stays advertised");
    assertThat(held.getStatus().getPolicyId()).isEqualTo(testingId);
    assertThat(advertisedByDnsEndpoint())
        .isEqualTo("v=STSv1; id=" + testingId);
  }

  @Test
  void aLookupTimeoutHoldsTheIdAndNamesTheTimeout() throws Exception {
    servedTestingPolicy();
    cluster.dns.addMx("example.com", 10, "mail.example.com").stall("example.com");

    switchToEnforce("mail.example.com");

    MtaStsPolicy held = awaitServedReason("MxLookupFailed");
    assertThat(held.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow()
        .getMessage()).contains("no answer within 10 s").contains(cluster.dns.hostAndPort());
    assertThat(held.getStatus().getPolicyId()).isEqualTo(testingId);
  }

  @Test
  void theOverrideAnnotationAdvertisesAnywayAndStatusSaysSo() throws Exception {
    servedTestingPolicy();
    cluster.dns.addMx("example.com", 10, "backup.example.net");
    switchToEnforce("mail.example.com");
    awaitServedReason("MxNotCovered");

    cluster.edit("example", p -> p.getMetadata().setAnnotations(
        Map.of(MxGuard.OVERRIDE_ANNOTATION, "true")));
    // annotations alone do not start a reconcile; a later spec change or retry picks it up
    cluster.edit("example", p -> p.getSpec().setMaxAge(86400L));
    rollOut(enforce("mail.example.com").replace("604800", "86400"));

    String id = idOf(enforce("mail.example.com").replace("604800", "86400"));
    MtaStsPolicy advertised = cluster.awaitPolicy("example",
        p -> id.equals(p.getStatus().getPolicyId()));
    var served = advertised.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow();
    assertThat(served.getStatus()).isEqualTo("True");
    assertThat(served.getReason()).isEqualTo("MxGuardOverridden");
    assertThat(served.getMessage()).contains("backup.example.net")
        .contains("advertised anyway").contains("mtasts.io/allow-uncovered-mx");
    cluster.awaitChild(DNSEndpoint.class, CHILD, e -> e.getSpec().getEndpoints().get(0)
        .getTargets().get(0).equals("v=STSv1; id=" + id));
    await().atMost(OperatorHarness.TIMEOUT)
        .until(() -> events("MxGuardOverridden"), e -> !e.isEmpty());
    assertThat(events("MxGuardOverridden").get(0).getType()).isEqualTo("Warning");
  }

  @Test
  void driftAfterAdvertisementRaisesConditionEventAndGauge() throws Exception {
    cluster = new OperatorHarness().start();
    cluster.dns.addMx("example.com", 10, "mail.example.com");
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getSpec().setMode(io.mtasts.operator.api.v1alpha1.Mode.ENFORCE);
    VerificationSpec everySecond = new VerificationSpec();
    everySecond.setInterval("1s");
    policy.getSpec().setVerification(everySecond);
    cluster.create(policy);
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.completeRollout(CHILD);
    String id = idOf(enforce("mail.example.com"));
    MtaStsPolicy covered = cluster.awaitPolicy("example", p -> id.equals(p.getStatus()
        .getPolicyId()) && p.getStatus().condition(ConditionTypes.MX_COVERED).isPresent());
    assertThat(covered.getStatus().condition(ConditionTypes.MX_COVERED).orElseThrow()
        .getStatus()).isEqualTo("True");
    assertThat(cluster.runtime().meterRegistry().scrape()).contains(
        "mtasts_mx_uncovered_hosts{domain=\"example.com\",name=\"example\",namespace=\"mail\"}"
            + " 0.0");

    // the MX moves to a host the advertised policy does not name
    cluster.verifier.mxHosts("example.com", "mail.example.com", "new-mx.example.org");

    MtaStsPolicy drifted = cluster.awaitPolicy("example", p -> p.getStatus()
        .condition(ConditionTypes.MX_COVERED).map(c -> c.getStatus().equals("False"))
        .orElse(false));
    var condition = drifted.getStatus().condition(ConditionTypes.MX_COVERED).orElseThrow();
    assertThat(condition.getReason()).isEqualTo("MxNotCovered");
    assertThat(condition.getMessage()).contains("new-mx.example.org").contains(id)
        .contains("refuse to deliver");
    assertThat(cluster.runtime().meterRegistry().scrape()).contains(
        "mtasts_mx_uncovered_hosts{domain=\"example.com\",name=\"example\",namespace=\"mail\"}"
            + " 1.0");
    await().atMost(OperatorHarness.TIMEOUT).until(() -> events("MxNotCovered"),
        e -> e.stream().anyMatch(x -> x.getType().equals("Warning")
            && x.getMessage().contains("new-mx.example.org")));
  }
}
