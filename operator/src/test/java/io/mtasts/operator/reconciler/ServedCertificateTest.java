package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateBuilder;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.status.NotServed;
import io.mtasts.operator.testing.Policies;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** With cert-manager managing the certificate, the id waits for it to be Ready. */
class ServedCertificateTest {

  private final PolicyPlan plan = PolicyPlan.of(Policies.basic("example", "example.com"),
      PlanSettings.defaults());

  private static Certificate withReady(String status, String message) {
    return new CertificateBuilder().withNewMetadata().withName("mta-sts-example").endMetadata()
        .withNewStatus().addNewCondition().withType("Ready").withStatus(status)
        .withMessage(message).endCondition().endStatus().build();
  }

  @Test
  void nothingToWaitForWhenTheOperatorDoesNotManageTheCertificate() {
    assertThat(ServedCertificate.waiting(plan, false, Optional.empty())).isEmpty();
  }

  @Test
  void aReadyCertificateLetsTheIdGo() {
    assertThat(ServedCertificate.waiting(plan, true, Optional.of(withReady("True", "issued"))))
        .isEmpty();
  }

  @Test
  void aMissingCertificateHoldsTheId() {
    assertThat(ServedCertificate.waiting(plan, true, Optional.empty())).contains(new NotServed(
        ConditionReasons.CERTIFICATE_NOT_READY, "the Certificate mta-sts-example for"
            + " mta-sts.example.com does not exist yet; the new id waits until cert-manager has"
            + " issued it"));
  }

  @Test
  void aCertificateNotReadyHoldsTheIdAndSaysWhatCertManagerSays() {
    assertThat(ServedCertificate.waiting(plan, true,
        Optional.of(withReady("False", "Issuing certificate as Secret does not exist"))))
        .contains(new NotServed(ConditionReasons.CERTIFICATE_NOT_READY, "the Certificate"
            + " mta-sts-example for mta-sts.example.com is not Ready (Ready=False: Issuing"
            + " certificate as Secret does not exist); senders could not fetch the policy over"
            + " HTTPS, so the new id waits; see kubectl describe certificate mta-sts-example"));
  }

  @Test
  void aReadyConditionOlderThanTheCertificatesLastChangeDoesNotCount() {
    Certificate changed = withReady("True", "issued");
    changed.getMetadata().setGeneration(3L);
    changed.getStatus().getConditions().get(0).setObservedGeneration(2L);
    assertThat(ServedCertificate.waiting(plan, true, Optional.of(changed))).contains(
        new NotServed(ConditionReasons.CERTIFICATE_NOT_READY, "cert-manager has not yet looked"
            + " at the latest change of the Certificate mta-sts-example for mta-sts.example.com;"
            + " the new id waits until it is Ready"));
  }
}
