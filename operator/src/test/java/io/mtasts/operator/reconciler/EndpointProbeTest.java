package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.status.NotServed;
import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.testing.ProbeDouble;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every serving endpoint is asked, within bounds, and what went wrong is said. */
class EndpointProbeTest {

  private final PolicyPlan plan = PolicyPlan.of(Policies.basic("example", "example.com"),
      PlanSettings.defaults());
  private final ProbeDouble pods = new ProbeDouble();
  private final ServingEndpoint a = new ServingEndpoint("10.244.0.10", 8080, "web-a", false);
  private final ServingEndpoint b = new ServingEndpoint("10.244.0.11", 8080, "web-b", false);
  private final ServingEndpoint old = new ServingEndpoint("10.244.0.9", 8080, "web-old", true);

  private Optional<NotServed> check(ServedPolicyProbe probe, boolean allowLoopback,
      List<ServingEndpoint> endpoints) throws InterruptedException {
    try (EndpointProbe endpointProbe =
        new EndpointProbe(probe, allowLoopback, Duration.ofSeconds(2), 2)) {
      return endpointProbe.check(plan, "mta-sts-example", endpoints);
    }
  }

  private String expected(int endpoints) {
    return "expected the " + plan.policyBytes().length + " bytes of policy " + plan.policyId()
        + " from each of " + endpoints + " endpoint" + (endpoints == 1 ? "" : "s");
  }

  @Test
  void servedWhenEveryEndpointAnswersTheNewBytesAndEveryOneIsAsked() throws Exception {
    pods.serve(plan.childName(), plan.policyBytes());
    assertThat(check(pods, false, List.of(a, b, old))).isEmpty();
    assertThat(pods.asked()).containsExactlyInAnyOrder(a, b, old);
  }

  @Test
  void noEndpointIsNotServed() throws Exception {
    assertThat(check(pods, false, List.of())).contains(new NotServed(
        ConditionReasons.NO_SERVING_ENDPOINT, "the Service mta-sts-example has no ready"
            + " endpoint: no EndpointSlice labelled kubernetes.io/service-name=mta-sts-example"
            + " lists a ready pod address, so no pod serves policy " + plan.policyId()));
  }

  @Test
  void aTerminatingPodWithTheOldBytesHoldsTheIdBack() throws Exception {
    pods.serve(plan.childName(), plan.policyBytes());
    pods.serveAt(old.address(), "old".getBytes(StandardCharsets.US_ASCII));
    assertThat(check(pods, false, List.of(a, old))).contains(new NotServed(
        ConditionReasons.SERVED_POLICY_DIFFERS, "the web server does not serve policy "
            + plan.policyId() + " everywhere yet: 10.244.0.9:8080 (pod web-old, terminating)"
            + " answered 3 bytes that are not policy " + plan.policyId() + "; " + expected(2)));
  }

  @Test
  void anExceptionWithoutAMessageIsNamedByItsKind() throws Exception {
    ServedPolicyProbe failing = (p, e) -> {
      throw new IOException();
    };
    assertThat(check(failing, false, List.of(a))).contains(new NotServed(
        ConditionReasons.ENDPOINT_PROBE_FAILED, "fetching the policy from the web server failed:"
            + " 10.244.0.10:8080 (pod web-a): IOException; " + expected(1)));
  }

  @Test
  void aProbeFailureNamesTheAddressAndWhatCameBack() throws Exception {
    ServedPolicyProbe failing = (p, e) -> {
      throw new IOException("answered HTTP 503");
    };
    assertThat(check(failing, false, List.of(a))).contains(new NotServed(
        ConditionReasons.ENDPOINT_PROBE_FAILED, "fetching the policy from the web server failed:"
            + " 10.244.0.10:8080 (pod web-a): answered HTTP 503; " + expected(1)));
  }

  @Test
  void manyFailuresAreCountedAfterTheFirstFew() throws Exception {
    List<ServingEndpoint> many = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      many.add(new ServingEndpoint("10.244.1." + i, 8080, null, false));
    }
    assertThat(check(pods, false, many).orElseThrow().message())
        .contains("10.244.1.3:8080: connection refused; and 2 more; " + expected(5));
  }

  @Test
  void loopbackIsProbedOnlyWhenTheSettingAllowsIt() throws Exception {
    pods.serve(plan.childName(), plan.policyBytes());
    ServingEndpoint local = new ServingEndpoint("127.0.0.1", 8080, null, false);
    assertThat(check(pods, false, List.of(local))).contains(new NotServed(
        ConditionReasons.ENDPOINT_PROBE_FAILED, "fetching the policy from the web server failed:"
            + " 127.0.0.1:8080: not probed, 127.0.0.1 is a loopback address, probed only with"
            + " MTASTS_PROBE_ALLOW_LOOPBACK=true; " + expected(1)));
    assertThat(pods.asked()).isEmpty();

    assertThat(check(pods, true, List.of(local))).isEmpty();
    assertThat(pods.asked()).containsExactly(local);
  }

  @Test
  void linkLocalAndNamesAreNeverProbed() throws Exception {
    pods.serve(plan.childName(), plan.policyBytes());
    ServingEndpoint metadata = new ServingEndpoint("169.254.169.254", 80, null, false);
    ServingEndpoint name = new ServingEndpoint("metadata.internal", 80, null, false);
    assertThat(check(pods, true, List.of(metadata)).orElseThrow().message())
        .contains("169.254.169.254:80: not probed, 169.254.169.254 is a link-local address");
    assertThat(check(pods, true, List.of(name)).orElseThrow().message())
        .contains("metadata.internal:80: not probed, metadata.internal is not an IP address");
    assertThat(pods.asked()).isEmpty();
  }

  @Test
  void aSilentEndpointIsGivenUpAtTheOverallBound() throws Exception {
    ServedPolicyProbe silent = (p, e) -> {
      Thread.sleep(10_000);
      return plan.policyBytes();
    };
    long start = System.nanoTime();
    try (EndpointProbe probe = new EndpointProbe(silent, false, Duration.ofMillis(300), 2)) {
      assertThat(probe.check(plan, "mta-sts-example", List.of(a)).orElseThrow().message())
          .contains("10.244.0.10:8080 (pod web-a): no answer within the probe's overall bound"
              + " of 300ms");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void atMostThePoolSizeOfRequestsRunAtOnce() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ServedPolicyProbe slow = (p, e) -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      Thread.sleep(50);
      running.decrementAndGet();
      return plan.policyBytes();
    };
    List<ServingEndpoint> many = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      many.add(new ServingEndpoint("10.244.1." + i, 8080, null, false));
    }
    assertThat(check(slow, false, many)).isEmpty();
    assertThat(most.get()).isEqualTo(2);
  }
}
