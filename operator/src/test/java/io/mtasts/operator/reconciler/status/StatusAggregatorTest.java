package io.mtasts.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.DnsRecord;
import io.mtasts.operator.api.v1alpha1.IssuerKind;
import io.mtasts.operator.api.v1alpha1.IssuerRef;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.PolicyRollout;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.verify.CheckName;
import io.mtasts.operator.verify.CheckOutcome;
import io.mtasts.operator.verify.Result;
import io.mtasts.operator.verify.VerificationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Status and conditions from what a reconcile found, and Ready derived from the others. */
class StatusAggregatorTest {

  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  private final MtaStsPolicyStatus status = new MtaStsPolicyStatus();
  private final StatusConditions conditions = new StatusConditions(null, 1, NOW);
  private final StatusAggregator report = new StatusAggregator(status, conditions);

  private static PolicyPlan plan(MtaStsPolicy policy) {
    policy.getMetadata().setNamespace("mail");
    return PolicyPlan.of(policy, PlanSettings.defaults());
  }

  private static PolicyPlan withExistingSecret() {
    return plan(Policies.basic("example", "example.com"));
  }

  private static PolicyPlan withIssuer() {
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getSpec().getTls().setSecretName(null);
    policy.getSpec().getTls().setIssuerRef(
        new IssuerRef("letsencrypt", IssuerKind.CLUSTER_ISSUER, "cert-manager.io"));
    return plan(policy);
  }

  private static VerificationReport failing() {
    return new VerificationReport("example.com",
        List.of(new CheckOutcome(CheckName.MX_STARTTLS, Result.FAIL, "no STARTTLS")),
        Optional.empty(), Optional.empty(), List.of(), Optional.empty(), NOW, Duration.ZERO);
  }

  private static final Optional<TlsSecretFinding> GOOD_SECRET = Optional.of(
      new TlsSecretFinding("example-tls", "True", ConditionReasons.EXISTING_SECRET,
          "the Ingress uses the existing Secret example-tls", Optional.of(
              Instant.parse("2026-03-01T00:00:00Z"))));

  private Condition ready() {
    return conditions.find(ConditionTypes.READY).orElseThrow();
  }

  @Test
  void servedWithACertificateAndVerificationPendingIsReady() {
    PolicyPlan plan = withExistingSecret();
    report.planned(plan);
    report.served(plan, Optional.empty());
    report.certificate(plan, false, Optional.empty(), GOOD_SECRET);
    report.verificationPending();
    report.ready(plan);
    assertThat(ready().getStatus()).isEqualTo("True");
    assertThat(ready().getReason()).isEqualTo(ConditionReasons.READY);
    assertThat(ready().getMessage()).isEqualTo("policy " + plan.policyId()
        + " is served at https://mta-sts.example.com/.well-known/mta-sts.txt");
    assertThat(status.getPolicyId()).isEqualTo(plan.policyId());
    assertThat(status.getPolicy()).isEqualTo(plan.policyText());
    assertThat(status.getDnsRecords()).extracting(DnsRecord::getName)
        .containsExactly("_mta-sts.example.com");
  }

  @Test
  void aRolloutHoldsReadyBackWithItsOwnReasonAndKeepsTheAdvertisedId() {
    PolicyPlan plan = withExistingSecret();
    status.setPolicyId("20250101T000000");
    report.served(plan, Optional.of(new NotServed(ConditionReasons.ROLLING_OUT,
        "rolling out: 1 of 2 pods have the new policy")));
    report.certificate(plan, false, Optional.empty(), GOOD_SECRET);
    report.ready(plan);
    assertThat(status.getPolicyId()).isEqualTo("20250101T000000");
    assertThat(ready().getStatus()).isEqualTo("False");
    assertThat(ready().getReason()).isEqualTo(ConditionReasons.ROLLING_OUT);
    assertThat(ready().getMessage()).isEqualTo("rolling out: 1 of 2 pods have the new policy;"
        + " policy id 20250101T000000 stays advertised until the new one is served");
  }

  @Test
  void aNewIdIsKeptInStatusWhileTheAdvertisedIdAndItsRecordsStay() {
    PolicyPlan plan = withExistingSecret();
    status.setPolicyId("20250101120000abcdef");
    PolicyRollout allocated = new PolicyRollout(plan.policyId(), "0123abcd",
        "2026-01-01T10:00:00Z");

    report.idAllocated(plan, allocated);
    report.ready(plan);

    assertThat(status.getRollout()).isEqualTo(allocated);
    assertThat(status.getPolicyId()).isEqualTo("20250101120000abcdef");
    assertThat(status.getDnsRecords()).extracting(DnsRecord::getValue)
        .containsExactly("v=STSv1; id=20250101120000abcdef");
    assertThat(ready().getReason()).isEqualTo(ConditionReasons.ROLLING_OUT);
    assertThat(ready().getMessage()).isEqualTo("policy id " + plan.policyId() + " was allocated"
        + " for the new policy, which the web server gets next; policy id 20250101120000abcdef"
        + " stays advertised until the new one is served");
  }

  @Test
  void nothingAdvertisedYetMeansNoStsRecordToPublish() {
    PolicyPlan plan = withExistingSecret();
    report.served(plan, Optional.of(new NotServed(ConditionReasons.ROLLING_OUT,
        "the web server Deployment does not exist yet")));
    assertThat(status.getPolicyId()).isNull();
    assertThat(status.getDnsRecords()).isNull();
  }

  @Test
  void theServedConditionIsPreferredWhenSeveralHoldReadyBack() {
    PolicyPlan plan = withIssuer();
    report.served(plan, Optional.of(new NotServed(ConditionReasons.ROLLING_OUT,
        "the web server Deployment does not exist yet")));
    report.certificate(plan, false, Optional.empty());
    report.ready(plan);
    assertThat(ready().getReason()).isEqualTo(ConditionReasons.ROLLING_OUT);
  }

  @Test
  void certManagerMissingBlocksReady() {
    PolicyPlan plan = withIssuer();
    report.served(plan, Optional.empty());
    report.certificate(plan, false, Optional.empty());
    report.ready(plan);
    assertThat(ready().getStatus()).isEqualTo("False");
    assertThat(ready().getReason()).isEqualTo(ConditionReasons.CERT_MANAGER_NOT_INSTALLED);
    assertThat(status.getCertificate().getReady()).isFalse();
  }

  @Test
  void aCertificateBeingIssuedBlocksReadyUntilCertManagerSaysReady() {
    PolicyPlan plan = withIssuer();
    report.served(plan, Optional.empty());
    report.certificate(plan, true, Optional.of(certificate("False", "waiting for ACME")));
    report.ready(plan);
    assertThat(ready().getReason()).isEqualTo(ConditionReasons.ISSUING);
    assertThat(ready().getMessage()).contains("from ClusterIssuer/letsencrypt: waiting for ACME");

    report.certificate(plan, true, Optional.of(certificate("True", "issued")));
    report.ready(plan);
    assertThat(ready().getStatus()).isEqualTo("True");
    assertThat(conditions.find(ConditionTypes.CERTIFICATE_READY).orElseThrow().getMessage())
        .endsWith(", valid until 2026-04-01T00:00:00Z");
    assertThat(status.getCertificate().getNotAfter()).isEqualTo("2026-04-01T00:00:00Z");
  }

  @Test
  void noCertificateSourceBlocksReady() {
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getSpec().setTls(null);
    PolicyPlan plan = plan(policy);
    report.served(plan, Optional.empty());
    report.certificate(plan, true, Optional.empty());
    report.ready(plan);
    assertThat(ready().getReason()).isEqualTo(ConditionReasons.NO_CERTIFICATE_SOURCE);
    assertThat(status.getCertificate()).isNull();
  }

  @Test
  void aFailedVerificationBlocksReadyButAPendingOneDoesNot() {
    PolicyPlan plan = withExistingSecret();
    report.served(plan, Optional.empty());
    report.certificate(plan, false, Optional.empty(), GOOD_SECRET);
    report.verified(failing());
    report.ready(plan);
    assertThat(ready().getStatus()).isEqualTo("False");
    assertThat(ready().getReason()).isEqualTo("MxStartTlsFailed");
    assertThat(ready().getMessage()).isEqualTo("no STARTTLS");
    assertThat(status.getChecks()).hasSize(1);

    report.verificationDisabled();
    report.ready(plan);
    assertThat(ready().getStatus()).isEqualTo("True");
    assertThat(status.getChecks()).isNull();
    assertThat(conditions.find(ConditionTypes.VERIFIED)).isEmpty();
  }

  @Test
  void pausingAndResumingAreReportedOnlyWhenPausedWasSeen() {
    report.notPaused("mtasts.io/paused", Optional.empty());
    assertThat(conditions.find(ConditionTypes.PAUSED)).isEmpty();
    report.paused("mtasts.io/paused", "True");
    assertThat(conditions.isTrue(ConditionTypes.PAUSED)).isTrue();
    assertThat(conditions.find(ConditionTypes.PAUSED).orElseThrow().getMessage())
        .startsWith("the annotation mtasts.io/paused=\"True\" is set: nothing is changed");
    report.notPaused("mtasts.io/paused", Optional.empty());
    assertThat(conditions.find(ConditionTypes.PAUSED).orElseThrow().getReason())
        .isEqualTo(ConditionReasons.RESUMED);
  }

  @Test
  void aFalseValueIsNotCalledARemovedAnnotation() {
    report.paused("mtasts.io/paused", "yes");
    report.notPaused("mtasts.io/paused", Optional.of("off"));
    Condition paused = conditions.find(ConditionTypes.PAUSED).orElseThrow();
    assertThat(paused.getStatus()).isEqualTo("False");
    assertThat(paused.getMessage())
        .isEqualTo("the annotation mtasts.io/paused is \"off\"; reconciling again")
        .doesNotContain("removed");
  }

  @Test
  void aPauseValueThatIsNoBooleanSaysWhatIsAllowed() {
    report.pauseValueInvalid("mtasts.io/paused", "please", "true or false");
    Condition paused = conditions.find(ConditionTypes.PAUSED).orElseThrow();
    assertThat(paused.getStatus()).isEqualTo("True");
    assertThat(paused.getReason()).isEqualTo(ConditionReasons.INVALID_PAUSE_VALUE);
    assertThat(paused.getMessage()).contains("\"please\"", "nothing is changed",
        "one of true or false");
  }

  @Test
  void anInvalidSpecWithNothingServedSaysSo() {
    report.invalidSpec(List.of("spec.mx: must not be empty", "spec.domain: required"));
    assertThat(ready().getReason()).isEqualTo(ConditionReasons.INVALID_SPEC);
    assertThat(ready().getMessage()).isEqualTo("spec.mx: must not be empty; spec.domain:"
        + " required. Nothing was changed; no policy of this resource has been served yet, and"
        + " none will be until the spec is fixed");
  }

  @Test
  void anInvalidSpecAfterAServedPolicyNamesThePolicyThatStays() {
    status.setPolicyId("20250101T000000");
    report.invalidSpec(List.of("spec.mx: must not be empty"));
    assertThat(ready().getMessage()).isEqualTo("spec.mx: must not be empty. Nothing was"
        + " changed; policy 20250101T000000, the last one served, stays in place and"
        + " advertised");
  }

  @Test
  void conditionsOfAnOlderGenerationTheReconcileDidNotReachBecomeUnknown() {
    PolicyPlan plan = withExistingSecret();
    StatusConditions atTwo = new StatusConditions(null, 2, NOW);
    StatusAggregator second = new StatusAggregator(status, atTwo);
    second.served(plan, Optional.empty());
    second.certificate(plan, false, Optional.empty(), GOOD_SECRET);
    second.ready(plan);

    StatusConditions atFive = new StatusConditions(atTwo.toList(), 5, NOW);
    StatusAggregator fifth = new StatusAggregator(status, atFive);
    fifth.invalidSpec(List.of("spec.mx: must not be empty"));

    Condition certificate = atFive.find(ConditionTypes.CERTIFICATE_READY).orElseThrow();
    assertThat(certificate.getStatus()).isEqualTo("Unknown");
    assertThat(certificate.getReason()).isEqualTo(ConditionReasons.NOT_EVALUATED);
    assertThat(certificate.getObservedGeneration()).isEqualTo(5L);
    assertThat(certificate.getMessage()).isEqualTo("not evaluated for generation 5 because the"
        + " reconcile stopped early (Ready: InvalidSpec); at generation 2 it was True"
        + " (ExistingSecret)");
    assertThat(atFive.find(ConditionTypes.POLICY_SERVED).orElseThrow().getStatus())
        .isEqualTo("Unknown");
    assertThat(status.getCertificate()).as("the old Secret is not named any more").isNull();
    Condition ready = atFive.find(ConditionTypes.READY).orElseThrow();
    assertThat(ready.getReason()).isEqualTo(ConditionReasons.INVALID_SPEC);
    assertThat(ready.getObservedGeneration()).isEqualTo(5L);

    // a later generation keeps the last facts that were evaluated
    StatusConditions atSix = new StatusConditions(atFive.toList(), 6, NOW);
    StatusAggregator sixth = new StatusAggregator(status, atSix);
    sixth.invalidSpec(List.of("spec.mx: must not be empty"));
    assertThat(atSix.find(ConditionTypes.CERTIFICATE_READY).orElseThrow().getMessage())
        .startsWith("not evaluated for generation 6 ")
        .endsWith("; at generation 2 it was True (ExistingSecret)");
  }

  @Test
  void aReconcileThatGoesOnKeepsTheLastVerificationOfAnOlderGenerationUntilTheNextOne() {
    PolicyPlan plan = withExistingSecret();
    StatusConditions atTwo = new StatusConditions(null, 2, NOW);
    new StatusAggregator(status, atTwo).verified(failing());

    StatusConditions atThree = new StatusConditions(atTwo.toList(), 3, NOW);
    StatusAggregator third = new StatusAggregator(status, atThree);
    third.served(plan, Optional.empty());
    third.certificate(plan, false, Optional.empty(), GOOD_SECRET);
    third.verificationPending();
    third.ready(plan);
    Condition verified = atThree.find(ConditionTypes.VERIFIED).orElseThrow();
    assertThat(verified.getStatus()).isEqualTo("False");
    assertThat(verified.getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void pausingAfterAnEditLeavesNoConditionOfTheOldSpecStandingAsTrue() {
    PolicyPlan plan = withExistingSecret();
    StatusConditions atTwo = new StatusConditions(null, 2, NOW);
    StatusAggregator second = new StatusAggregator(status, atTwo);
    second.served(plan, Optional.empty());
    second.certificate(plan, false, Optional.empty(), GOOD_SECRET);
    second.ready(plan);

    StatusConditions atThree = new StatusConditions(atTwo.toList(), 3, NOW);
    new StatusAggregator(status, atThree).paused("mtasts.io/paused", "true");
    Condition ready = atThree.find(ConditionTypes.READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("Unknown");
    assertThat(ready.getMessage()).startsWith("not evaluated for generation 3 because the policy"
        + " is paused; at generation 2 it was True (Ready)");
  }

  @Test
  void conditionsOfAnOlderGenerationStayWhileANewIdIsAllocated() {
    PolicyPlan plan = withExistingSecret();
    StatusConditions atTwo = new StatusConditions(null, 2, NOW);
    StatusAggregator second = new StatusAggregator(status, atTwo);
    second.served(plan, Optional.empty());
    second.certificate(plan, false, Optional.empty(), GOOD_SECRET);
    second.ready(plan);
    var certificateBefore = status.getCertificate();

    StatusConditions atThree = new StatusConditions(atTwo.toList(), 3, NOW);
    StatusAggregator third = new StatusAggregator(status, atThree);
    third.idAllocated(plan, new PolicyRollout(plan.policyId(), "0123abcd",
        "2026-01-01T10:00:00Z"));
    third.ready(plan);

    Condition certificate = atThree.find(ConditionTypes.CERTIFICATE_READY).orElseThrow();
    assertThat(certificate.getStatus()).isEqualTo("True");
    assertThat(certificate.getReason()).isEqualTo(ConditionReasons.EXISTING_SECRET);
    assertThat(certificate.getObservedGeneration()).isEqualTo(2L);
    assertThat(status.getCertificate()).isEqualTo(certificateBefore);
    assertThat(atThree.find(ConditionTypes.POLICY_SERVED).orElseThrow().getReason())
        .isEqualTo(ConditionReasons.ROLLING_OUT);
  }

  @Test
  void anExistingSecretNotReadIsUnknownNeverTrue() {
    PolicyPlan plan = withExistingSecret();
    report.served(plan, Optional.empty());
    report.certificate(plan, false, Optional.empty());
    report.ready(plan);
    assertThat(conditions.find(ConditionTypes.CERTIFICATE_READY).orElseThrow().getStatus())
        .isEqualTo("Unknown");
    assertThat(ready().getStatus()).isEqualTo("False");
  }

  private static Certificate certificate(String ready, String message) {
    return new CertificateBuilder()
        .withNewStatus()
        .withNotAfter("True".equals(ready) ? "2026-04-01T00:00:00Z" : null)
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready)
        .withMessage(message)
        .endCondition()
        .endStatus()
        .build();
  }
}
