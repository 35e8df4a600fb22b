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

  private Condition ready() {
    return conditions.find(ConditionTypes.READY).orElseThrow();
  }

  @Test
  void servedWithACertificateAndVerificationPendingIsReady() {
    PolicyPlan plan = withExistingSecret();
    report.planned(plan);
    report.served(plan, Optional.empty());
    report.certificate(plan, false, Optional.empty());
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
    report.certificate(plan, false, Optional.empty());
    report.ready(plan);
    assertThat(status.getPolicyId()).isEqualTo("20250101T000000");
    assertThat(ready().getStatus()).isEqualTo("False");
    assertThat(ready().getReason()).isEqualTo(ConditionReasons.ROLLING_OUT);
    assertThat(ready().getMessage()).isEqualTo("rolling out: 1 of 2 pods have the new policy;"
        + " policy id 20250101T000000 stays advertised until the new one is served");
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
    report.certificate(plan, false, Optional.empty());
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
    report.notPaused("mtasts.io/paused");
    assertThat(conditions.find(ConditionTypes.PAUSED)).isEmpty();
    report.paused("mtasts.io/paused");
    assertThat(conditions.isTrue(ConditionTypes.PAUSED)).isTrue();
    report.notPaused("mtasts.io/paused");
    assertThat(conditions.find(ConditionTypes.PAUSED).orElseThrow().getReason())
        .isEqualTo(ConditionReasons.RESUMED);
  }

  @Test
  void anInvalidSpecSaysNothingWasChanged() {
    report.invalidSpec(List.of("spec.mx: must not be empty", "spec.domain: required"));
    assertThat(ready().getReason()).isEqualTo(ConditionReasons.INVALID_SPEC);
    assertThat(ready().getMessage()).isEqualTo("spec.mx: must not be empty; spec.domain:"
        + " required. Nothing was changed; the previously served policy stays in place");
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
