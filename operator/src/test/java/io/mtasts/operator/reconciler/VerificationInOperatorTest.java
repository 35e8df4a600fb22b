package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.v1alpha1.CheckResult;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.VerificationCheck;
import io.mtasts.operator.api.v1alpha1.VerificationSpec;
import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.verify.CheckName;
import io.mtasts.operator.verify.Result;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operator keeps verifying each domain and reports what it finds, changing no child. */
class VerificationInOperatorTest {

  private OperatorHarness cluster;

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static MtaStsPolicy everySecond(String name, String domain) {
    MtaStsPolicy p = Policies.basic(name, domain);
    VerificationSpec v = new VerificationSpec();
    v.setInterval("1s");
    p.getSpec().setVerification(v);
    return p;
  }

  private static boolean condition(MtaStsPolicy p, String type, String status) {
    return p.getStatus() != null && p.getStatus().condition(type)
        .map(c -> c.getStatus().equals(status)).orElse(false);
  }

  @Test
  void checksAndConditionsFollowTheVerifierAndAFailureChangesNoChild() throws Exception {
    cluster = new OperatorHarness().start();
    cluster.create(everySecond("example", "example.com"));
    cluster.awaitChild(Deployment.class, "mta-sts-example", x -> true);
    cluster.completeRollout("mta-sts-example");

    MtaStsPolicy verified = cluster.awaitPolicy("example",
        p -> condition(p, ConditionTypes.VERIFIED, "True")
            && condition(p, ConditionTypes.READY, "True"));
    assertThat(verified.getStatus().getChecks()).extracting(VerificationCheck::getName)
        .containsExactly("StsTxtRecord", "PolicyFetch", "PolicySyntax", "PolicyContent",
            "PolicyMode", "Certificate", "MxCoverage", "TlsRptRecord", "MxStartTls");
    assertThat(verified.getStatus().condition(ConditionTypes.DNS_RECORDS_VERIFIED).orElseThrow()
        .getStatus()).isEqualTo("True");
    String configMapVersion = cluster.child(ConfigMap.class, "mta-sts-example").getMetadata()
        .getResourceVersion();
    String deploymentVersion = cluster.child(Deployment.class, "mta-sts-example").getMetadata()
        .getResourceVersion();

    cluster.verifier.set("example.com", CheckName.STS_TXT_RECORD, Result.FAIL,
        "_mta-sts.example.com has id abc but the policy served is "
            + verified.getStatus().getPolicyId() + "; publish the record in status.dnsRecords");

    MtaStsPolicy failed = cluster.awaitPolicy("example",
        p -> condition(p, ConditionTypes.VERIFIED, "False"));
    var verifiedCondition = failed.getStatus().condition(ConditionTypes.VERIFIED).orElseThrow();
    assertThat(verifiedCondition.getReason()).isEqualTo("StsTxtRecordFailed");
    assertThat(verifiedCondition.getMessage()).contains("has id abc");
    assertThat(failed.getStatus().condition(ConditionTypes.DNS_RECORDS_VERIFIED).orElseThrow()
        .getStatus()).isEqualTo("False");
    assertThat(failed.getStatus().condition(ConditionTypes.READY).orElseThrow())
        .satisfies(c -> {
          assertThat(c.getStatus()).isEqualTo("False");
          assertThat(c.getReason()).isEqualTo("StsTxtRecordFailed");
        });
    assertThat(failed.getStatus().getChecks().get(0).getResult()).isEqualTo(CheckResult.FAIL);
    assertThat(cluster.child(ConfigMap.class, "mta-sts-example").getMetadata()
        .getResourceVersion()).isEqualTo(configMapVersion);
    assertThat(cluster.child(Deployment.class, "mta-sts-example").getMetadata()
        .getResourceVersion()).isEqualTo(deploymentVersion);
    assertThat(failed.getStatus().getPolicyId()).isEqualTo(verified.getStatus().getPolicyId());

    String metrics = cluster.runtime().meterRegistry().scrape();
    assertThat(metrics).containsPattern(
        "mtasts_check_result\\{check=\"StsTxtRecord\",domain=\"example.com\",name=\"example\","
            + "namespace=\"mail\"} 2\\.0");
    assertThat(metrics).contains("mtasts_certificate_days_left{");
    assertThat(metrics).contains("mtasts_verification_last_success_age_seconds{");

    Thread.sleep(2500);
    long verifiedEvents = cluster.client.v1().events().inNamespace(OperatorHarness.NAMESPACE)
        .list().getItems().stream().map(Event::getReason)
        .filter("StsTxtRecordFailed"::equals).count();
    // DnsRecordsVerified turned False once (the Events of Verified and Ready would repeat it);
    // later verifications add nothing
    assertThat(verifiedEvents).as("one Event per transition, not per verification")
        .isEqualTo(1);
  }

  @Test
  void theIntervalSchedulesTheNextVerification() throws Exception {
    cluster = new OperatorHarness().start();
    cluster.create(everySecond("example", "example.com"));
    cluster.awaitChild(Deployment.class, "mta-sts-example", x -> true);
    cluster.completeRollout("mta-sts-example");
    await().atMost(Duration.ofSeconds(20))
        .until(() -> cluster.verifier.calls("example.com") >= 4);
  }

  @Test
  void noMoreVerificationsRunAtOnceThanConfigured() throws Exception {
    cluster = new OperatorHarness().with("MTASTS_VERIFY_CONCURRENCY", "2");
    // long enough that verifications of policies served a few seconds apart overlap
    cluster.verifier.delay(Duration.ofSeconds(2));
    cluster.start();
    for (int i = 0; i < 6; i++) {
      cluster.create(Policies.basic("p" + i, "d" + i + ".example"));
    }
    for (int i = 0; i < 6; i++) {
      cluster.awaitChild(Deployment.class, "mta-sts-p" + i, x -> true);
      cluster.completeRollout("mta-sts-p" + i);
    }
    for (int i = 0; i < 6; i++) {
      int n = i;
      cluster.awaitPolicy("p" + n, p -> p.getStatus() != null
          && p.getStatus().getChecks() != null);
    }
    assertThat(cluster.verifier.mostAtOnce()).isEqualTo(2);
  }
}
