package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.IngressSpec;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.VerificationSpec;
import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.verify.Expectations;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a refused spec, a stopped reconcile and the pause annotation leave in status and Events,
 * and what the operator's limits refuse, against the local API server.
 */
class RefusedAndPausedStatusTest {

  private static final String CHILD = "mta-sts-example";

  private OperatorHarness cluster;

  @AfterEach
  void stop() {
    cluster.close();
  }

  private MtaStsPolicy createServed() {
    cluster.create(Policies.basic("example", "example.com"));
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.completeRollout(CHILD);
    return cluster.awaitPolicy("example", p -> p.getStatus().getPolicyId() != null
        && p.getStatus().condition(ConditionTypes.READY)
            .map(c -> c.getStatus().equals("True")).orElse(false));
  }

  private List<Event> events(String reason) {
    return cluster.client.v1().events().inNamespace(OperatorHarness.NAMESPACE).list().getItems()
        .stream().filter(e -> reason.equals(e.getReason())).toList();
  }

  private static boolean hasReason(MtaStsPolicy p, String type, String reason) {
    return p.getStatus() != null && p.getStatus().condition(type)
        .map(c -> reason.equals(c.getReason())).orElse(false);
  }

  @Test
  void aRefusedEditIsAWarningAndConditionsOfTheOldSpecBecomeUnknown() throws Exception {
    cluster = new OperatorHarness().start();
    MtaStsPolicy served = createServed();
    long servedGeneration = served.getMetadata().getGeneration();

    cluster.edit("example", p -> {
      p.getSpec().getTls().setSecretName("renamed-tls");
      p.getSpec().setMx(List.of("*.*.example.com"));
    });
    MtaStsPolicy invalid = cluster.awaitPolicy("example",
        p -> hasReason(p, ConditionTypes.READY, ConditionReasons.INVALID_SPEC));
    long generation = invalid.getMetadata().getGeneration();
    assertThat(invalid.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("policy " + served.getStatus().getPolicyId() + ", the last one served, stays"
            + " in place");
    var certificate = invalid.getStatus().condition(ConditionTypes.CERTIFICATE_READY)
        .orElseThrow();
    assertThat(certificate.getStatus()).isEqualTo("Unknown");
    assertThat(certificate.getReason()).isEqualTo(ConditionReasons.NOT_EVALUATED);
    assertThat(certificate.getObservedGeneration()).isEqualTo(generation);
    assertThat(certificate.getMessage()).contains("at generation " + servedGeneration
        + " it was True");
    assertThat(invalid.getStatus().getCertificate()).isNull();
    assertThat(invalid.getStatus().getConditions()).allSatisfy(
        c -> assertThat(c.getObservedGeneration()).isEqualTo(generation));

    await().atMost(OperatorHarness.TIMEOUT).until(() -> !events("InvalidSpec").isEmpty());
    assertThat(events("InvalidSpec")).singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
  }

  @Test
  void anInvalidSpecBeforeAnythingWasServedDoesNotClaimAServedPolicy() throws Exception {
    cluster = new OperatorHarness().start();
    MtaStsPolicy p = Policies.basic("fresh", "example.com");
    p.getSpec().setMx(List.of("*.*.example.com"));
    cluster.create(p);

    MtaStsPolicy invalid = cluster.awaitPolicy("fresh",
        x -> hasReason(x, ConditionTypes.READY, ConditionReasons.INVALID_SPEC));
    assertThat(invalid.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("no policy of this resource has been served yet")
        .doesNotContain("previously served");
    await().atMost(OperatorHarness.TIMEOUT).until(() -> !events("InvalidSpec").isEmpty());
  }

  @Test
  void capitalisedOrYesPausesAndTheStatusNeverSaysTheAnnotationWasRemoved() throws Exception {
    cluster = new OperatorHarness().start();
    createServed();
    cluster.edit("example", p -> {
      p.getMetadata().getAnnotations().put(MtaStsPolicyReconciler.PAUSED_ANNOTATION, "True");
      p.getSpec().setMode(Mode.ENFORCE);
    });
    MtaStsPolicy paused = cluster.awaitPolicy("example", p -> hasReason(p,
        ConditionTypes.PAUSED, ConditionReasons.PAUSED_BY_ANNOTATION));
    assertThat(paused.getStatus().condition(ConditionTypes.PAUSED).orElseThrow().getMessage())
        .contains("mtasts.io/paused=\"True\"");
    await().atMost(OperatorHarness.TIMEOUT)
        .until(() -> !events(ConditionReasons.PAUSED_BY_ANNOTATION).isEmpty());
    assertThat(events(ConditionReasons.PAUSED_BY_ANNOTATION)).singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Normal"));

    cluster.edit("example", p -> p.getMetadata().getAnnotations()
        .put(MtaStsPolicyReconciler.PAUSED_ANNOTATION, "yes"));
    cluster.edit("example", p -> p.getSpec().setMaxAge(86400L));
    Thread.sleep(1000);
    assertThat(cluster.child(ConfigMap.class, CHILD).getData().get("mta-sts.txt"))
        .contains("mode: testing");
    assertThat(cluster.get("example").getStatus().condition(ConditionTypes.PAUSED)
        .orElseThrow().getMessage()).doesNotContain("removed");

    cluster.edit("example", p -> p.getMetadata().getAnnotations()
        .put(MtaStsPolicyReconciler.PAUSED_ANNOTATION, "false"));
    MtaStsPolicy resumed = cluster.awaitPolicy("example", p -> p.getStatus()
        .condition(ConditionTypes.PAUSED).map(c -> c.getStatus().equals("False")).orElse(false));
    assertThat(resumed.getStatus().condition(ConditionTypes.PAUSED).orElseThrow().getMessage())
        .isEqualTo("the annotation mtasts.io/paused is \"false\"; reconciling again");
    cluster.awaitChild(ConfigMap.class, CHILD,
        cm -> cm.getData().get("mta-sts.txt").contains("mode: enforce"));
  }

  @Test
  void aPauseValueThatIsNoBooleanChangesNothingAndSaysWhatIsAllowed() throws Exception {
    cluster = new OperatorHarness().start();
    createServed();
    cluster.edit("example", p -> {
      p.getMetadata().getAnnotations().put(MtaStsPolicyReconciler.PAUSED_ANNOTATION, "please");
      p.getSpec().setMode(Mode.ENFORCE);
    });
    MtaStsPolicy refused = cluster.awaitPolicy("example", p -> hasReason(p,
        ConditionTypes.PAUSED, ConditionReasons.INVALID_PAUSE_VALUE));
    assertThat(refused.getStatus().condition(ConditionTypes.PAUSED).orElseThrow().getMessage())
        .contains("\"please\"", "true, yes, on or 1");
    assertThat(cluster.child(ConfigMap.class, CHILD).getData().get("mta-sts.txt"))
        .contains("mode: testing");
  }

  @Test
  void aSnippetAnnotationIsRefusedAndNeverReachesTheIngress() throws Exception {
    cluster = new OperatorHarness().start();
    MtaStsPolicy p = Policies.basic("example", "example.com");
    IngressSpec ingress = new IngressSpec();
    ingress.setAnnotations(new HashMap<>(Map.of(
        "nginx.ingress.kubernetes.io/server-snippet", "location / { return 200; }")));
    p.getSpec().setIngress(ingress);
    cluster.create(p);

    MtaStsPolicy refused = cluster.awaitPolicy("example",
        x -> hasReason(x, ConditionTypes.READY, ConditionReasons.INVALID_SPEC));
    assertThat(refused.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("spec.ingress.annotations: 'nginx.ingress.kubernetes.io/server-snippet' is"
            + " refused");
    assertThat(cluster.child(Ingress.class, CHILD)).isNull();
  }

  @Test
  void anIntervalBelowTheOperatorsMinimumIsRefused() throws Exception {
    cluster = new OperatorHarness().with("MTASTS_MIN_VERIFY_INTERVAL", "1m").start();
    MtaStsPolicy p = Policies.basic("example", "example.com");
    VerificationSpec v = new VerificationSpec();
    v.setInterval("1ms");
    p.getSpec().setVerification(v);
    cluster.create(p);

    MtaStsPolicy refused = cluster.awaitPolicy("example",
        x -> hasReason(x, ConditionTypes.READY, ConditionReasons.INVALID_SPEC));
    assertThat(refused.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("spec.verification.interval: 1ms is shorter than the operator's minimum of"
            + " 1m");
    assertThat(cluster.verifier.calls("example.com")).isZero();
  }

  @Test
  void probeMxReachesTheVerifier() throws Exception {
    cluster = new OperatorHarness().start();
    MtaStsPolicy p = Policies.basic("example", "example.com");
    VerificationSpec v = new VerificationSpec();
    v.setProbeMx(true);
    p.getSpec().setVerification(v);
    cluster.create(p);
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.completeRollout(CHILD);

    await().atMost(OperatorHarness.TIMEOUT)
        .until(() -> cluster.verifier.lastExpected("example.com").isPresent());
    assertThat(cluster.verifier.lastExpected("example.com").flatMap(Expectations::probeMx))
        .contains(true);
  }
}
