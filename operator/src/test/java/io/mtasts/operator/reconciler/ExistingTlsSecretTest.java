package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.localserver.IssuedCertificate;
import io.mtasts.operator.localserver.TlsSecrets;
import io.mtasts.operator.testing.Policies;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Secret named in spec.tls.secretName is read and judged before CertificateReady says True: it
 * must exist, be a TLS Secret and hold an unexpired certificate for the policy host.
 */
class ExistingTlsSecretTest {

  private OperatorHarness cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new OperatorHarness().withoutTlsSecrets().start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private Condition certificateReady(String name, String reason) {
    MtaStsPolicy p = cluster.awaitPolicy(name, x -> x.getStatus() != null && x.getStatus()
        .condition(ConditionTypes.CERTIFICATE_READY)
        .map(c -> reason.equals(c.getReason())).orElse(false));
    return p.getStatus().condition(ConditionTypes.CERTIFICATE_READY).orElseThrow();
  }

  @Test
  void aMissingSecretIsNotReadyAndSaysWhichOne() {
    cluster.create(Policies.basic("missing", "example.com"));

    Condition c = certificateReady("missing", ConditionReasons.SECRET_NOT_FOUND);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getMessage()).contains("Secret missing-tls", "does not exist", "namespace mail");
    assertThat(cluster.get("missing").getStatus().condition(ConditionTypes.READY).orElseThrow()
        .getStatus()).isEqualTo("False");
  }

  @Test
  void aSecretOfAnotherTypeIsRefused() {
    IssuedCertificate issued = cluster.ca().issue("mta-sts.example.com");
    cluster.client.resource(TlsSecrets.of(OperatorHarness.NAMESPACE, "opaque-tls", "Opaque",
        issued.chainPem(), issued.privateKeyPem())).create();
    cluster.create(Policies.basic("opaque", "example.com"));

    Condition c = certificateReady("opaque", ConditionReasons.SECRET_INVALID);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getMessage()).contains("type 'Opaque', not kubernetes.io/tls");
    assertThat(c.getMessage()).doesNotContain("BEGIN", "PRIVATE");
  }

  @Test
  void aCertificateForAnotherHostIsRefused() {
    cluster.createTlsSecret("other-tls", "mta-sts.example.org");
    cluster.create(Policies.basic("other", "example.com"));

    Condition c = certificateReady("other", ConditionReasons.SECRET_CERTIFICATE_INVALID);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getMessage()).contains("valid for mta-sts.example.org, not for"
        + " mta-sts.example.com");
  }

  @Test
  void anExpiredCertificateIsRefused() {
    Instant now = Instant.now();
    IssuedCertificate expired = cluster.ca().issue(now.minus(Duration.ofDays(100)),
        now.minus(Duration.ofDays(10)), "mta-sts.example.com");
    cluster.client.resource(TlsSecrets.of(OperatorHarness.NAMESPACE, "expired-tls", expired))
        .create();
    cluster.create(Policies.basic("expired", "example.com"));

    Condition c = certificateReady("expired", ConditionReasons.SECRET_CERTIFICATE_INVALID);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getMessage()).contains("in Secret expired-tls", "expired on");
  }

  @Test
  void aGoodSecretIsReadyWithItsExpiryAndDaysLeft() {
    cluster.createTlsSecret("good-tls", "mta-sts.example.com");
    cluster.create(Policies.basic("good", "example.com"));

    Condition c = certificateReady("good", ConditionReasons.EXISTING_SECRET);
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getMessage()).contains("Secret good-tls", "mta-sts.example.com")
        .containsPattern("\\((89|90) days left\\)");
    var certificate = cluster.get("good").getStatus().getCertificate();
    assertThat(certificate.getSecretName()).isEqualTo("good-tls");
    assertThat(certificate.getReady()).isTrue();
    assertThat(Instant.parse(certificate.getNotAfter()))
        .isAfter(Instant.now().plus(Duration.ofDays(89)));
  }
}
