package io.mtasts.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A CR that never went through API-server defaulting reads the same values as one that did. */
class SpecDefaultsTest {

  @Test
  void minimalSpecReadsTheDefaults() {
    MtaStsPolicySpec spec = new MtaStsPolicySpec();
    spec.setDomain("example.com");

    assertThat(spec.effectiveMode()).isEqualTo(Mode.TESTING);
    assertThat(spec.effectiveMaxAge()).isEqualTo(604_800L);
    assertThat(spec.effectiveMx()).isEmpty();
    assertThat(spec.effectiveRua()).isEmpty();
    assertThat(spec.effectiveReplicas()).isEqualTo(2);
    assertThat(spec.effectiveExternalDns()).isFalse();
    assertThat(spec.effectiveVerificationEnabled()).isTrue();
    assertThat(spec.effectiveProbeMx()).isFalse();
  }

  @Test
  void presentButEmptyNestedObjectsReadTheDefaultsToo() {
    MtaStsPolicySpec spec = new MtaStsPolicySpec();
    spec.setServer(new ServerSpec());
    spec.setDns(new DnsSpec());
    spec.setVerification(new VerificationSpec());
    spec.setTlsRpt(new TlsRptSpec());
    IssuerRef issuer = new IssuerRef();

    assertThat(spec.effectiveReplicas()).isEqualTo(SpecDefaults.SERVER_REPLICAS);
    assertThat(spec.effectiveExternalDns()).isEqualTo(SpecDefaults.EXTERNAL_DNS);
    assertThat(spec.effectiveVerificationEnabled()).isEqualTo(SpecDefaults.VERIFICATION_ENABLED);
    assertThat(spec.effectiveProbeMx()).isEqualTo(SpecDefaults.PROBE_MX);
    assertThat(spec.effectiveRua()).isEmpty();
    assertThat(issuer.effectiveKind()).isEqualTo(IssuerKind.CLUSTER_ISSUER);
    assertThat(issuer.effectiveGroup()).isEqualTo("cert-manager.io");
  }

  @Test
  void explicitValuesWin() {
    MtaStsPolicySpec spec = new MtaStsPolicySpec();
    spec.setMode(Mode.ENFORCE);
    spec.setMaxAge(86_400L);
    spec.setMx(List.of("mail.example.com"));
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:tls@example.com")));
    ServerSpec server = new ServerSpec();
    server.setReplicas(3);
    spec.setServer(server);
    spec.setDns(new DnsSpec(true));
    VerificationSpec verification = new VerificationSpec();
    verification.setEnabled(false);
    verification.setProbeMx(true);
    spec.setVerification(verification);
    IssuerRef issuer = new IssuerRef("ca", IssuerKind.ISSUER, "example.io");

    assertThat(spec.effectiveMode()).isEqualTo(Mode.ENFORCE);
    assertThat(spec.effectiveMaxAge()).isEqualTo(86_400L);
    assertThat(spec.effectiveMx()).containsExactly("mail.example.com");
    assertThat(spec.effectiveRua()).containsExactly("mailto:tls@example.com");
    assertThat(spec.effectiveReplicas()).isEqualTo(3);
    assertThat(spec.effectiveExternalDns()).isTrue();
    assertThat(spec.effectiveVerificationEnabled()).isFalse();
    assertThat(spec.effectiveProbeMx()).isTrue();
    assertThat(issuer.effectiveKind()).isEqualTo(IssuerKind.ISSUER);
    assertThat(issuer.effectiveGroup()).isEqualTo("example.io");
  }

  @Test
  void modeWireValuesAreTheirPolicyFileSpelling() {
    assertThat(Mode.fromValue(SpecDefaults.MODE)).isEqualTo(Mode.TESTING);
    assertThat(Mode.ENFORCE.value()).isEqualTo("enforce");
    assertThat(Mode.NONE.toString()).isEqualTo("none");
    assertThat(IssuerKind.fromValue(SpecDefaults.ISSUER_KIND)).isEqualTo(IssuerKind.CLUSTER_ISSUER);
  }
}
