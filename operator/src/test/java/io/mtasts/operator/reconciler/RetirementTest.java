package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.testing.Policies;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Given a policy that advertised an enforce or testing id, when it is deleted, then it stays
 * (held by its finalizer) until mode none with a new id is served, advertised and held for the
 * max_age senders may have cached; a policy that never protected mail goes at once.
 */
class RetirementTest {

  static final String NAME = "example";
  static final String CHILD = "mta-sts-example";
  static final Duration LONG = Duration.ofSeconds(30);

  private OperatorHarness cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private OperatorHarness start(Map<String, String> settings) throws Exception {
    cluster = new OperatorHarness();
    settings.forEach(cluster::with);
    cluster.start();
    cluster.dns.addMx("example.com", 10, "mail.example.com");
    return cluster;
  }

  /** A testing policy with {@code maxAge}, served and advertised, carrying the finalizer. */
  private MtaStsPolicy advertised(long maxAge) {
    MtaStsPolicy policy = Policies.basic(NAME, "example.com");
    policy.getSpec().setMaxAge(maxAge);
    cluster.create(policy);
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.completeRollout(CHILD);
    return cluster.awaitPolicy(NAME, p -> p.getStatus() != null
        && p.getStatus().getPolicyId() != null
        && p.hasFinalizer(RetirementLabel.FINALIZER));
  }

  private void delete() {
    cluster.client.resources(MtaStsPolicy.class).inNamespace(OperatorHarness.NAMESPACE)
        .withName(NAME).delete();
  }

  private String servedPolicy() {
    return cluster.child(ConfigMap.class, CHILD).getData().get(WebServerConfig.POLICY_KEY);
  }

  private void awaitGone(Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(100))
        .until(() -> cluster.get(NAME) == null);
  }

  private List<Event> events(String reason) {
    return cluster.client.v1().events().inNamespace(OperatorHarness.NAMESPACE).list().getItems()
        .stream().filter(e -> reason.equals(e.getReason())).toList();
  }

  @Test
  void theLabelAndTheFinalizerComeInOneWriteAndKeepOtherFinalizers() throws Exception {
    start(Map.of());
    MtaStsPolicy policy = Policies.basic(NAME, "example.com");
    policy.getMetadata().setFinalizers(List.of("example.org/backup"));
    cluster.create(policy);
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.api.clearRequests();
    cluster.completeRollout(CHILD);
    MtaStsPolicy labelled = cluster.awaitPolicy(NAME, p -> p.getStatus() != null
        && p.getStatus().getPolicyId() != null && RetirementLabel.present(p)
        && p.hasFinalizer(RetirementLabel.FINALIZER));

    assertThat(labelled.getMetadata().getFinalizers())
        .containsExactly("example.org/backup", RetirementLabel.FINALIZER);
    // once the finalizer is there, the retirement controller has nothing to add
    Thread.sleep(1000);
    assertThat(cluster.api.requests().stream()
        .filter(r -> r.isWrite() && !r.method().equals("POST"))
        .filter(r -> r.path().matches(".*/mtastspolicies/" + NAME + "(\\?.*)?"))
        .map(r -> r.method() + " " + r.path()).toList())
        .as("writes of the policy itself (not its status) after it was served")
        .hasSize(1);
  }

  @Test
  void deletingServesModeNoneUnderANewIdAndHoldsItForTheMaxAge() throws Exception {
    start(Map.of());
    MtaStsPolicy before = advertised(3);
    String testingId = before.getStatus().getPolicyId();

    delete();
    // the none bytes go to the web server first; the old id stays advertised meanwhile
    cluster.awaitChild(ConfigMap.class, CHILD, cm -> cm.getData()
        .get(WebServerConfig.POLICY_KEY).contains("mode: none"));
    MtaStsPolicy rolling = cluster.get(NAME);
    assertThat(rolling.isMarkedForDeletion()).isTrue();
    assertThat(rolling.getStatus().getPolicyId()).isEqualTo(testingId);
    assertThat(rolling.getStatus().condition(ConditionTypes.RETIRING)).hasValueSatisfying(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo(ConditionReasons.RETIREMENT_STARTED);
    });
    assertThat(servedPolicy()).isEqualTo(
        "version: STSv1\r\nmode: none\r\nmx: mail.example.com\r\nmax_age: 3\r\n");

    cluster.completeRollout(CHILD);
    MtaStsPolicy holding = cluster.awaitPolicy(NAME, p -> p.getStatus().getRetirement() != null
        && p.getStatus().getRetirement().getSafeToDeleteAfter() != null);
    var retirement = holding.getStatus().getRetirement();
    assertThat(holding.getStatus().getPolicyId()).isNotEqualTo(testingId)
        .isEqualTo(retirement.getPolicyId());
    assertThat(holding.getStatus().getPolicy()).contains("mode: none");
    assertThat(retirement.getHoldSeconds()).isEqualTo(3);
    assertThat(Instant.parse(retirement.getSafeToDeleteAfter()))
        .isEqualTo(Instant.parse(retirement.getRetiredAt()).plusSeconds(3));
    assertThat(holding.getStatus().getDnsRecords().get(0).getValue())
        .isEqualTo("v=STSv1; id=" + retirement.getPolicyId());
    assertThat(holding.hasFinalizer(RetirementLabel.FINALIZER)).isTrue();

    awaitGone(Duration.ofSeconds(15));
    assertThat(Instant.now()).isAfterOrEqualTo(Instant.parse(retirement.getSafeToDeleteAfter()));
    assertThat(events(ConditionReasons.RETIREMENT_STARTED)).hasSize(1);
    assertThat(events(ConditionReasons.RETIREMENT_COMPLETE)).singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Normal"));
  }

  @Test
  void aPolicyThatNeverAdvertisedAnIdHasNoFinalizerAndGoesAtOnce() throws Exception {
    start(Map.of());
    cluster.create(Policies.basic(NAME, "example.com"));
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    assertThat(cluster.get(NAME).getMetadata().getFinalizers()).isNullOrEmpty();

    delete();
    awaitGone(Duration.ofSeconds(5));
  }

  @Test
  void aPolicyThatOnlyEverAdvertisedModeNoneHasNoFinalizerAndGoesAtOnce() throws Exception {
    start(Map.of());
    MtaStsPolicy policy = Policies.basic(NAME, "example.com");
    policy.getSpec().setMode(Mode.NONE);
    cluster.create(policy);
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.completeRollout(CHILD);
    MtaStsPolicy served = cluster.awaitPolicy(NAME, p -> p.getStatus() != null
        && p.getStatus().getPolicyId() != null);
    assertThat(served.getMetadata().getFinalizers()).isNullOrEmpty();
    assertThat(served.getMetadata().getLabels()).doesNotContainKey(RetirementLabel.KEY);

    delete();
    awaitGone(Duration.ofSeconds(5));
  }

  @Test
  void theImmediateAnnotationEndsTheRetirementAndSaysWhatSendersMayHold() throws Exception {
    start(Map.of());
    String testingId = advertised(604800).getStatus().getPolicyId();
    delete();
    cluster.awaitPolicy(NAME, p -> p.getStatus().condition(ConditionTypes.RETIRING).isPresent());

    cluster.edit(NAME, p -> p.getMetadata().getAnnotations()
        .put(RetireAnnotation.KEY, RetireAnnotation.IMMEDIATE));

    awaitGone(Duration.ofSeconds(10));
    assertThat(events(ConditionReasons.RETIREMENT_CUT_SHORT)).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).contains("policy " + testingId).contains("mode testing")
          .contains("max_age 604800");
    });
  }

  @Test
  void theOperatorsCapShortensTheHold() throws Exception {
    start(Map.of("MTASTS_RETIREMENT_MAX_HOLD", "1s"));
    advertised(604800);
    delete();
    cluster.awaitChild(ConfigMap.class, CHILD, cm -> cm.getData()
        .get(WebServerConfig.POLICY_KEY).contains("mode: none"));
    cluster.completeRollout(CHILD);

    awaitGone(Duration.ofSeconds(10));
  }

  @Test
  void aRestartInTheMiddleKeepsTheDeadline() throws Exception {
    start(Map.of());
    advertised(4);
    delete();
    cluster.awaitChild(ConfigMap.class, CHILD, cm -> cm.getData()
        .get(WebServerConfig.POLICY_KEY).contains("mode: none"));
    cluster.completeRollout(CHILD);
    var recorded = cluster.awaitPolicy(NAME, p -> p.getStatus().getRetirement() != null
        && p.getStatus().getRetirement().getRetiredAt() != null).getStatus().getRetirement();

    cluster.restart();

    MtaStsPolicy after = cluster.get(NAME);
    if (after != null) {
      assertThat(after.getStatus().getRetirement().getRetiredAt())
          .isEqualTo(recorded.getRetiredAt());
      assertThat(after.getStatus().getRetirement().getSafeToDeleteAfter())
          .isEqualTo(recorded.getSafeToDeleteAfter());
    }
    awaitGone(Duration.ofSeconds(15));
    assertThat(Instant.now()).isAfterOrEqualTo(Instant.parse(recorded.getSafeToDeleteAfter()));
    assertThat(events(ConditionReasons.RETIREMENT_STARTED)).hasSize(1);
  }

  @Test
  void deletingDuringARolloutHoldsForTheMaxAgeOfTheBytesRollingOut() throws Exception {
    start(Map.of());
    String testingId = advertised(1).getStatus().getPolicyId();
    cluster.edit(NAME, p -> p.getSpec().setMaxAge(5L));
    cluster.awaitChild(ConfigMap.class, CHILD, cm -> cm.getData()
        .get(WebServerConfig.POLICY_KEY).contains("max_age: 5"));

    delete();
    cluster.awaitChild(ConfigMap.class, CHILD, cm -> cm.getData()
        .get(WebServerConfig.POLICY_KEY).contains("mode: none"));
    assertThat(cluster.get(NAME).getStatus().getPolicyId()).isEqualTo(testingId);
    cluster.completeRollout(CHILD);

    var retirement = cluster.awaitPolicy(NAME, p -> p.getStatus().getRetirement() != null
        && p.getStatus().getRetirement().getRetiredAt() != null).getStatus().getRetirement();
    assertThat(retirement.getHoldSeconds()).isEqualTo(5);
    awaitGone(Duration.ofSeconds(15));
  }

  @Test
  void deletingDuringTheHoldOfModeNoneSetByHandWaitsForTheSameDeadline() throws Exception {
    start(Map.of());
    advertised(3);
    cluster.edit(NAME, p -> p.getSpec().setMode(Mode.NONE));
    cluster.awaitChild(ConfigMap.class, CHILD, cm -> cm.getData()
        .get(WebServerConfig.POLICY_KEY).contains("mode: none"));
    cluster.completeRollout(CHILD);

    MtaStsPolicy byHand = cluster.awaitPolicy(NAME, p -> p.getStatus().getRetirement() != null
        && p.getStatus().getRetirement().getSafeToDeleteAfter() != null);
    var retirement = byHand.getStatus().getRetirement();
    assertThat(retirement.getStartedAt()).isNull();
    assertThat(retirement.getHoldSeconds()).isEqualTo(3);
    assertThat(byHand.getStatus().condition(ConditionTypes.RETIRING)).hasValueSatisfying(c ->
        assertThat(c.getReason()).isEqualTo(ConditionReasons.HOLDING_MODE_NONE));

    delete();
    awaitGone(Duration.ofSeconds(15));
    assertThat(Instant.now()).isAfterOrEqualTo(Instant.parse(retirement.getSafeToDeleteAfter()));
  }

  @Test
  void modeNoneByHandTellsWhenTheResourceMayBeDeleted() throws Exception {
    start(Map.of());
    advertised(2);
    cluster.edit(NAME, p -> p.getSpec().setMode(Mode.NONE));
    cluster.awaitChild(ConfigMap.class, CHILD, cm -> cm.getData()
        .get(WebServerConfig.POLICY_KEY).contains("mode: none"));
    cluster.completeRollout(CHILD);

    MtaStsPolicy done = await().atMost(LONG).pollInterval(Duration.ofMillis(100))
        .until(() -> cluster.get(NAME), p -> p.getStatus().condition(ConditionTypes.RETIRING)
            .map(c -> ConditionReasons.RETIREMENT_COMPLETE.equals(c.getReason()))
            .orElse(false));
    assertThat(done.getStatus().condition(ConditionTypes.RETIRING).orElseThrow().getStatus())
        .isEqualTo("False");
    assertThat(done.isMarkedForDeletion()).isFalse();
  }
}
