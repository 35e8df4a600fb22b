package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.OperatorException;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Which errors of a child write are the API server saying no, and how they are named. */
class ChildRefusalTest {

  private static KubernetesClientException answer(int code, String reason, String message) {
    Status status = new StatusBuilder().withCode(code).withReason(reason).withMessage(message)
        .withNewDetails().withName("mta-sts-example").withKind("services").endDetails().build();
    return new KubernetesClientException(status);
  }

  @Test
  void aQuotaIsQuotaExceededWithTheServersWords() {
    String message = "services \"mta-sts-example\" is forbidden: exceeded quota: no-services,"
        + " requested: count/services=1, used: count/services=0, limited: count/services=0";
    var refusal = ChildRefusal.of("Service", "mta-sts-example",
        answer(403, "Forbidden", message)).orElseThrow();
    assertThat(refusal.reason()).isEqualTo(ConditionReasons.QUOTA_EXCEEDED);
    assertThat(refusal.describe()).isEqualTo(
        "the API server refused Service mta-sts-example (HTTP 403): " + message);
  }

  @Test
  void aValidatingAdmissionPolicyOrWebhookIsAdmissionDenied() {
    var policy = ChildRefusal.of("Deployment", "d", answer(422, "Invalid",
        "deployments.apps \"d\" is forbidden: ValidatingAdmissionPolicy 'registry' with binding"
            + " 'registry' denied request: images must come from registry.example.com/"));
    var webhook = ChildRefusal.of("Deployment", "d", answer(400, "BadRequest",
        "admission webhook \"validate.kyverno.svc\" denied the request: limits required"));
    assertThat(policy).hasValueSatisfying(
        r -> assertThat(r.reason()).isEqualTo(ConditionReasons.ADMISSION_DENIED));
    assertThat(webhook).hasValueSatisfying(
        r -> assertThat(r.reason()).isEqualTo(ConditionReasons.ADMISSION_DENIED));
  }

  @Test
  void otherClientErrorsAndServerErrorsWithAMessageAreChildRefused() {
    var full = ChildRefusal.of("Service", "s", answer(500, "InternalError",
        "Internal error occurred: failed to allocate a serviceIP: range is full"));
    var forbidden = ChildRefusal.of("Ingress", "i", answer(403, "Forbidden",
        "ingresses.networking.k8s.io is forbidden: User cannot create resource"));
    assertThat(full).hasValueSatisfying(r -> {
      assertThat(r.reason()).isEqualTo(ConditionReasons.CHILD_REFUSED);
      assertThat(r.apiMessage()).contains("range is full");
      assertThat(r.code()).isEqualTo(500);
    });
    assertThat(forbidden).hasValueSatisfying(
        r -> assertThat(r.reason()).isEqualTo(ConditionReasons.CHILD_REFUSED));
  }

  @Test
  void aRefusalWrappedByTheFrameworkIsFound() {
    Exception wrapped = new OperatorException(new IllegalStateException(answer(403, "Forbidden",
        "exceeded quota: q")));
    assertThat(ChildRefusal.of("Service", "s", wrapped)).hasValueSatisfying(
        r -> assertThat(r.reason()).isEqualTo(ConditionReasons.QUOTA_EXCEEDED));
  }

  @Test
  void conflictsThrottlingBareServerErrorsAndLostConnectionsAreNoRefusal() {
    assertThat(ChildRefusal.of("Service", "s", answer(409, "Conflict", "already exists")))
        .isEmpty();
    assertThat(ChildRefusal.of("Service", "s", answer(429, "TooManyRequests", "slow down")))
        .isEmpty();
    assertThat(ChildRefusal.of("Service", "s",
        new KubernetesClientException("Failure executing: POST", 503, null))).isEmpty();
    assertThat(ChildRefusal.of("Service", "s",
        new KubernetesClientException("connect timed out", new IOException("timeout"))))
        .isEmpty();
    assertThat(ChildRefusal.of("Service", "s", new NullPointerException())).isEmpty();
  }
}
