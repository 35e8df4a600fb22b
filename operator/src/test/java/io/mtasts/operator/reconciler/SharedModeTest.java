package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.externaldns.DNSEndpoint;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.DnsSpec;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import io.mtasts.operator.api.v1alpha1.PolicyServerRef;
import io.mtasts.operator.api.v1alpha1.ServerSpec;
import io.mtasts.operator.localserver.LocalApiServer;
import io.mtasts.operator.localserver.RolloutStandIn;
import io.mtasts.operator.testing.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Given a policy that names a shared MtaStsPolicyServer in spec.server.ref: no web server of its
 * own, its bytes handed over in status.shared, its id advertised only once every ready endpoint
 * of the server's Service answers with them.
 */
class SharedModeTest {

  static final String NS = OperatorHarness.NAMESPACE;
  static final String SERVER_SERVICE = "mta-sts-server-shared";
  static final String CHILD = "mta-sts-example";
  static final String TESTING_POLICY =
      "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
  static final String SHORTER_POLICY =
      "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 86400\r\n";

  private OperatorHarness cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new OperatorHarness()
        .with("MTASTS_SERVER_IMAGE", "registry.example/mta-sts-operator:9.9.9").start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private MtaStsPolicyServer createServer(String namespace, List<String> policyNamespaces) {
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    spec.setPolicyNamespaces(policyNamespaces);
    return cluster.client.resource(new MtaStsPolicyServer(namespace, "shared", spec)).create();
  }

  /** Plays the EndpointSlice controller for the server's pods at {@code addresses}. */
  private void serverEndpoints(String namespace, String... addresses) {
    Service service = await().atMost(OperatorHarness.TIMEOUT).until(() -> cluster.client
        .services().inNamespace(namespace).withName(SERVER_SERVICE).get(), s -> s != null);
    Deployment deployment = await().atMost(OperatorHarness.TIMEOUT).until(() -> cluster.client
        .apps().deployments().inNamespace(namespace).withName(SERVER_SERVICE).get(),
        d -> d != null);
    RolloutStandIn.publishEndpoints(cluster.client, service, deployment, List.of(addresses));
  }

  private static MtaStsPolicy referencing(MtaStsPolicy policy, String serverNamespace) {
    if (policy.getSpec().getServer() == null) {
      policy.getSpec().setServer(new ServerSpec());
    }
    policy.getSpec().getServer().setRef(new PolicyServerRef("shared", serverNamespace));
    return policy;
  }

  private MtaStsPolicy awaitIn(String namespace, String name, Predicate<MtaStsPolicy> condition) {
    return await().atMost(OperatorHarness.TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.client.resources(MtaStsPolicy.class).inNamespace(namespace)
            .withName(name).get(), p -> p != null && condition.test(p));
  }

  private MtaStsPolicyServer awaitServer(Predicate<MtaStsPolicyServer> condition) {
    return await().atMost(OperatorHarness.TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.client.resources(MtaStsPolicyServer.class).inNamespace(NS)
            .withName("shared").get(), s -> s != null && condition.test(s));
  }

  static boolean condition(MtaStsPolicy p, String type, String status, String reason) {
    return p.getStatus() != null && p.getStatus().condition(type)
        .filter(c -> c.getStatus().equals(status) && c.getReason().equals(reason)).isPresent();
  }

  static boolean handedOver(MtaStsPolicy p, String policy) {
    return p.getStatus() != null && p.getStatus().getShared() != null
        && policy.equals(p.getStatus().getShared().getPolicy());
  }

  static boolean advertises(MtaStsPolicy p, String policy) {
    return p.getStatus() != null && p.getStatus().getPolicyId() != null
        && policy.equals(p.getStatus().getPolicy());
  }

  private static byte[] bytes(String policy) {
    return policy.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void theIdIsAdvertisedOnlyOnceEveryServerEndpointServesTheHandedOverBytes() {
    createServer(NS, null);
    serverEndpoints(NS, "10.244.1.10", "10.244.1.11");
    cluster.create(referencing(Policies.basic("example", "example.com"), null));

    MtaStsPolicy handed = cluster.awaitPolicy("example", p -> handedOver(p, TESTING_POLICY));
    assertThat(handed.getStatus().getShared().getServer()).isEqualTo(NS + "/shared");
    assertThat(handed.getStatus().getShared().getDomain()).isEqualTo("example.com");
    assertThat(handed.getStatus().getShared().getPolicyId())
        .isEqualTo(handed.getStatus().getRollout().getPolicyId());
    assertThat(handed.getStatus().getPolicyId()).isNull();

    // one pod has the bytes, the other does not answer yet: nothing is advertised
    cluster.probe.serveAt("10.244.1.10", bytes(TESTING_POLICY));
    MtaStsPolicy half = cluster.awaitPolicy("example", p -> condition(p,
        ConditionTypes.POLICY_SERVED, "False", ConditionReasons.ENDPOINT_PROBE_FAILED));
    assertThat(half.getStatus().getPolicyId()).isNull();
    assertThat(half.getStatus().condition(ConditionTypes.POLICY_SERVED).get().getMessage())
        .contains("10.244.1.11");

    cluster.probe.serveAt("10.244.1.11", bytes(TESTING_POLICY));
    MtaStsPolicy served = cluster.awaitPolicy("example", p -> advertises(p, TESTING_POLICY));
    assertThat(served.getStatus().getPolicyId())
        .isEqualTo(served.getStatus().getShared().getPolicyId());
    assertThat(cluster.probe.asked()).extracting(ServingEndpoint::address)
        .contains("10.244.1.10", "10.244.1.11");

    // no web server of its own, at any point
    assertThat(cluster.child(ConfigMap.class, CHILD)).isNull();
    assertThat(cluster.child(Deployment.class, CHILD)).isNull();
    assertThat(cluster.child(Service.class, CHILD)).isNull();

    MtaStsPolicyServer server = awaitServer(s -> s.getStatus() != null
        && Integer.valueOf(1).equals(s.getStatus().getPoliciesServed()));
    assertThat(server.getStatus().getPoliciesReferencing()).isEqualTo(1);
  }

  @Test
  void aServerThatLoadsTheBytesWithinSecondsCostsNoStatusWriteForTheWait() throws Exception {
    createServer(NS, null);
    serverEndpoints(NS, "10.244.1.10");
    List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var watch = cluster.client.resources(MtaStsPolicy.class).inNamespace(NS)
        .withName("example").watch(new io.fabric8.kubernetes.client.Watcher<MtaStsPolicy>() {
          @Override
          public void eventReceived(Action action, MtaStsPolicy p) {
            if (p.getStatus() != null) {
              p.getStatus().condition(ConditionTypes.POLICY_SERVED)
                  .ifPresent(c -> told.add(c.getReason()));
            }
          }

          @Override
          public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
        })) {
      cluster.create(referencing(Policies.basic("example", "example.com"), null));
      cluster.awaitPolicy("example", p -> handedOver(p, TESTING_POLICY));
      // the first probe, a second after the handover, finds nothing; the bytes come after it
      Thread.sleep(1_500);
      cluster.probe.serveAt("10.244.1.10", bytes(TESTING_POLICY));
      cluster.awaitPolicy("example", p -> advertises(p, TESTING_POLICY));
      await().atMost(OperatorHarness.TIMEOUT).until(() -> told.contains(ConditionReasons.SERVED));
    }

    // the miss was not written: status went from the handover straight to served
    assertThat(cluster.probe.asked()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(told.stream().distinct().toList())
        .containsExactly(ConditionReasons.HANDED_OVER, ConditionReasons.SERVED);
  }

  @Test
  void aServerStillWithoutTheBytesAfterSomeSecondsIsWrittenToStatus() {
    createServer(NS, null);
    serverEndpoints(NS, "10.244.1.10");
    cluster.create(referencing(Policies.basic("example", "example.com"), null));
    long handedAt = System.nanoTime();
    cluster.awaitPolicy("example", p -> handedOver(p, TESTING_POLICY));

    MtaStsPolicy missing = cluster.awaitPolicy("example", p -> condition(p,
        ConditionTypes.POLICY_SERVED, "False", ConditionReasons.ENDPOINT_PROBE_FAILED));
    // told after the quiet probes (1 + 1 + 2 s), not after the first
    assertThat(Duration.ofNanos(System.nanoTime() - handedAt)).isGreaterThan(Duration.ofSeconds(3));
    assertThat(missing.getStatus().getPolicyId()).isNull();
  }

  @Test
  void theServerIsAskedOnlyForBytesAlreadyHandedOverInStatus() {
    List<String> early = new java.util.concurrent.CopyOnWriteArrayList<>();
    cluster.probe.onFetch(plan -> {
      MtaStsPolicy stored = cluster.get(plan.primary().getMetadata().getName());
      var shared = stored.getStatus() == null ? null : stored.getStatus().getShared();
      if (shared == null || !plan.policyId().equals(shared.getPolicyId())
          || !plan.policyText().equals(shared.getPolicy())) {
        early.add(plan.policyId() + " asked while status.shared held " + shared);
      }
    });
    createServer(NS, null);
    serverEndpoints(NS, "10.244.1.10");
    cluster.create(referencing(Policies.basic("example", "example.com"), null));
    cluster.awaitPolicy("example", p -> handedOver(p, TESTING_POLICY));
    cluster.edit("example", p -> p.getSpec().setMaxAge(86400L));
    cluster.probe.serveAt("10.244.1.10", bytes(SHORTER_POLICY));
    cluster.awaitPolicy("example", p -> advertises(p, SHORTER_POLICY));

    assertThat(cluster.probe.asked()).isNotEmpty();
    assertThat(early).isEmpty();
  }

  @Test
  void aChangeIsAdvertisedWithinSecondsOnceTheServerServesItAndNotBefore() {
    createServer(NS, null);
    serverEndpoints(NS, "10.244.1.10");
    cluster.probe.serveAt("10.244.1.10", bytes(TESTING_POLICY));
    cluster.create(referencing(Policies.basic("example", "example.com"), null));
    String firstId = cluster.awaitPolicy("example", p -> advertises(p, TESTING_POLICY))
        .getStatus().getPolicyId();

    cluster.edit("example", p -> p.getSpec().setMaxAge(86400L));
    MtaStsPolicy handed = cluster.awaitPolicy("example", p -> handedOver(p, SHORTER_POLICY));
    assertThat(handed.getStatus().getShared().getPolicyId()).isNotEqualTo(firstId);
    // the server still answers with the old bytes: the old id stays
    MtaStsPolicy differs = cluster.awaitPolicy("example", p -> condition(p,
        ConditionTypes.POLICY_SERVED, "False", ConditionReasons.SERVED_POLICY_DIFFERS));
    assertThat(differs.getStatus().getPolicyId()).isEqualTo(firstId);

    long start = System.nanoTime();
    cluster.probe.serveAt("10.244.1.10", bytes(SHORTER_POLICY));
    MtaStsPolicy served = cluster.awaitPolicy("example", p -> advertises(p, SHORTER_POLICY));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(SharedServing.LONGEST_RECHECK.plusSeconds(2));
    assertThat(served.getStatus().getPolicyId())
        .isEqualTo(handed.getStatus().getShared().getPolicyId());
  }

  @Test
  void externalDnsPublishesTheIdOnlyOnceTheSharedServerServesIt() throws Exception {
    cluster.close();
    cluster = new OperatorHarness()
        .with("MTASTS_SERVER_IMAGE", "registry.example/mta-sts-operator:9.9.9");
    cluster.installExternalDns();
    cluster.start();
    createServer(NS, null);
    serverEndpoints(NS, "10.244.1.10");
    cluster.probe.serveAt("10.244.1.10", bytes(TESTING_POLICY));
    MtaStsPolicy policy = referencing(Policies.basic("example", "example.com"), null);
    policy.getSpec().setDns(new DnsSpec());
    policy.getSpec().getDns().setExternalDns(true);
    cluster.create(policy);
    String id = cluster.awaitPolicy("example", p -> advertises(p, TESTING_POLICY))
        .getStatus().getPolicyId();
    DNSEndpoint published = cluster.awaitChild(DNSEndpoint.class, CHILD, x -> true);
    assertThat(published.getSpec().getEndpoints().get(0).getTargets())
        .containsExactly("v=STSv1; id=" + id);
    assertThat(published.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(r -> assertThat(r.getName()).isEqualTo("example"));

    cluster.edit("example", p -> p.getSpec().setMaxAge(86400L));
    cluster.awaitPolicy("example", p -> handedOver(p, SHORTER_POLICY));
    Thread.sleep(1500); // probes answered with the old bytes meanwhile
    assertThat(cluster.child(DNSEndpoint.class, CHILD).getSpec().getEndpoints().get(0)
        .getTargets()).containsExactly("v=STSv1; id=" + id);
    cluster.probe.serveAt("10.244.1.10", bytes(SHORTER_POLICY));
    String newId = cluster.awaitPolicy("example", p -> advertises(p, SHORTER_POLICY))
        .getStatus().getPolicyId();
    cluster.awaitChild(DNSEndpoint.class, CHILD, e -> e.getSpec().getEndpoints().get(0)
        .getTargets().equals(List.of("v=STSv1; id=" + newId)));
  }

  @Test
  void theServersCountsFollowManyPoliciesWithoutAStatusWriteForEachChange() {
    createServer(NS, null);
    serverEndpoints(NS, "10.244.1.10");
    awaitServer(s -> s.getStatus() != null);
    cluster.api.clearRequests();
    long start = System.nanoTime();
    int policies = 20;
    for (int i = 0; i < policies; i++) {
      String domain = "d" + i + ".example";
      cluster.probe.serve("mta-sts-p" + i, bytes("version: STSv1\r\nmode: testing\r\nmx: mail."
          + domain + "\r\nmax_age: 604800\r\n"));
      cluster.create(referencing(Policies.basic("p" + i, domain), null));
    }
    for (int i = 0; i < policies; i++) {
      cluster.awaitPolicy("p" + i, p -> p.getStatus() != null
          && p.getStatus().getPolicyId() != null);
    }
    MtaStsPolicyServer counted = awaitServer(s -> s.getStatus() != null
        && Integer.valueOf(policies).equals(s.getStatus().getPoliciesServed()));
    assertThat(counted.getStatus().getPoliciesReferencing()).isEqualTo(policies);
    long recountsAllowed = Duration.ofNanos(System.nanoTime() - start).toMillis()
        / io.mtasts.operator.reconciler.server.ServerRecount.MIN_INTERVAL.toMillis() + 3;

    // each policy changed its shared state at least twice (handover, then advertised)
    long serverStatusWrites = cluster.api.requests().stream()
        .filter(LocalApiServer.ApiRequest::isWrite)
        .filter(r -> r.path().contains("/mtastspolicyservers/shared/status"))
        .count();
    assertThat(serverStatusWrites).isPositive()
        .isLessThanOrEqualTo(recountsAllowed)
        .isLessThan(2L * policies);
  }

  @Test
  void aServerWithoutReadyEndpointsAdvertisesNothingAndSaysSo() {
    createServer(NS, null);
    cluster.create(referencing(Policies.basic("example", "example.com"), null));

    MtaStsPolicy waiting = cluster.awaitPolicy("example", p -> condition(p,
        ConditionTypes.POLICY_SERVED, "False", ConditionReasons.NO_SERVING_ENDPOINT));
    assertThat(waiting.getStatus().getPolicyId()).isNull();
    assertThat(waiting.getStatus().condition(ConditionTypes.POLICY_SERVED).get().getMessage())
        .contains("MtaStsPolicyServer mail/shared has no ready endpoint");
    assertThat(waiting.getStatus().condition(ConditionTypes.READY).get().getStatus())
        .isEqualTo("False");
  }

  @Test
  void aMissingServerIsReportedAndTheReferenceResolvesOnceItExists() {
    cluster.create(referencing(Policies.basic("example", "example.com"), null));
    MtaStsPolicy missing = cluster.awaitPolicy("example", p -> condition(p,
        ConditionTypes.READY, "False", ConditionReasons.SERVER_NOT_FOUND));
    assertThat(missing.getStatus().condition(ConditionTypes.READY).get().getMessage())
        .contains("MtaStsPolicyServer mail/shared, which does not exist");
    assertThat(missing.getStatus().getShared()).isNull();
    assertThat(cluster.child(Deployment.class, CHILD)).isNull();

    createServer(NS, null);
    serverEndpoints(NS, "10.244.1.10");
    cluster.probe.serveAt("10.244.1.10", bytes(TESTING_POLICY));
    cluster.awaitPolicy("example", p -> advertises(p, TESTING_POLICY));
  }

  @Test
  void aServerThatGoesAwayLeavesTheDedicatedServerOfASwitchingPolicyInPlace() {
    cluster.create(Policies.basic("example", "example.com"));
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.completeRollout(CHILD);
    String id = cluster.awaitPolicy("example", p -> advertises(p, TESTING_POLICY))
        .getStatus().getPolicyId();

    cluster.edit("example", p -> referencing(p, null));
    cluster.awaitPolicy("example", p -> condition(p,
        ConditionTypes.READY, "False", ConditionReasons.SERVER_NOT_FOUND));
    assertThat(cluster.child(Deployment.class, CHILD)).isNotNull();
    assertThat(cluster.child(ConfigMap.class, CHILD)).isNotNull();
    assertThat(cluster.get("example").getStatus().getPolicyId()).isEqualTo(id);
  }

  @Test
  void switchingFromItsOwnServerKeepsThatServerUntilTheSharedOneServes() {
    cluster.create(Policies.basic("example", "example.com"));
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.completeRollout(CHILD);
    String id = cluster.awaitPolicy("example", p -> advertises(p, TESTING_POLICY))
        .getStatus().getPolicyId();
    createServer(NS, null);
    serverEndpoints(NS, "10.244.1.10");
    cluster.probe.serveAt("10.244.1.10", bytes("not yet"));

    cluster.edit("example", p -> referencing(p, null));
    // same bytes, same id: handed over, but the shared server does not serve them yet
    MtaStsPolicy handed = cluster.awaitPolicy("example", p -> handedOver(p, TESTING_POLICY)
        && condition(p, ConditionTypes.POLICY_SERVED, "False",
            ConditionReasons.SERVED_POLICY_DIFFERS));
    assertThat(handed.getStatus().getShared().getPolicyId()).isEqualTo(id);
    assertThat(handed.getStatus().getPolicyId()).isEqualTo(id);
    assertThat(cluster.child(ConfigMap.class, CHILD)).isNotNull();
    assertThat(cluster.child(Deployment.class, CHILD)).isNotNull();
    assertThat(cluster.child(Service.class, CHILD)).isNotNull();

    cluster.probe.serveAt("10.244.1.10", bytes(TESTING_POLICY));
    cluster.awaitPolicy("example", p -> condition(p, ConditionTypes.POLICY_SERVED, "True",
        ConditionReasons.SERVED));
    await().atMost(OperatorHarness.TIMEOUT).until(() -> cluster.child(Deployment.class, CHILD)
        == null && cluster.child(Service.class, CHILD) == null
        && cluster.child(ConfigMap.class, CHILD) == null);
    assertThat(cluster.get("example").getStatus().getPolicyId()).isEqualTo(id);
  }

  @Test
  void aPolicyInAnotherNamespaceIsRefusedUnlessTheServerListsIt() {
    createServer(NS, null);
    serverEndpoints(NS, "10.244.1.10");
    cluster.probe.serveAt("10.244.1.10", bytes(
        "version: STSv1\r\nmode: testing\r\nmx: mail.tenant.example\r\nmax_age: 604800\r\n"));
    MtaStsPolicy tenant = referencing(Policies.basic("tenant", "tenant.example"), NS);
    cluster.client.resource(tenant).inNamespace("tenant").create();

    MtaStsPolicy refused = awaitIn("tenant", "tenant", p -> condition(p,
        ConditionTypes.READY, "False", ConditionReasons.NAMESPACE_NOT_ALLOWED));
    assertThat(refused.getStatus().condition(ConditionTypes.READY).get().getMessage())
        .contains("MtaStsPolicyServer mail/shared")
        .contains("spec.policyNamespaces")
        .contains("'tenant'");
    assertThat(refused.getStatus().getShared()).isNull();

    cluster.editServer(NS, "shared", s -> s.getSpec().setPolicyNamespaces(List.of("tenant")));
    MtaStsPolicy served = awaitIn("tenant", "tenant", p -> p.getStatus() != null
        && p.getStatus().getPolicyId() != null);
    assertThat(served.getStatus().getShared().getServer()).isEqualTo("mail/shared");
  }
}
