package io.mtasts.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A CR as users write it maps onto the model and back without losing or adding anything. */
class MtaStsPolicySerializationTest {

  private static final String FULL_CR =
      """
      apiVersion: mtasts.io/v1alpha1
      kind: MtaStsPolicy
      metadata:
        name: example-com
        namespace: mail
      spec:
        domain: example.com
        mode: enforce
        mx:
          - mail.example.com
          - "*.example.net"
        maxAge: 1209600
        tlsRpt:
          rua: ["mailto:tls-reports@example.com", "https://reports.example.com/tlsrpt"]
        ingress:
          className: nginx
          annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "false"}
          labels: {shard: public}
        tls:
          issuerRef: {name: letsencrypt, kind: ClusterIssuer, group: cert-manager.io}
          secretName: mta-sts-example-com-tls
        server:
          replicas: 3
          image: nginxinc/nginx-unprivileged:1.29-alpine
          resources:
            requests: {cpu: 10m, memory: 16Mi}
            limits: {memory: 32Mi}
        dns:
          externalDns: true
        verification:
          enabled: true
          interval: 15m
          probeMx: false
      status:
        observedGeneration: 4
        policyId: 7f3k9q2m4x8c1b6n0d5v
        policy: "version: STSv1\\r\\nmode: enforce\\r\\n\\
          mx: mail.example.com\\r\\nmax_age: 1209600\\r\\n"
        policyUrl: https://mta-sts.example.com/.well-known/mta-sts.txt
        dnsRecords:
          - {name: _mta-sts.example.com, type: TXT, value: "v=STSv1; id=7f3k9q2m4x8c1b6n0d5v"}
          - name: _smtp._tls.example.com
            type: TXT
            value: "v=TLSRPTv1; rua=mailto:tls-reports@example.com"
        certificate:
          secretName: mta-sts-example-com-tls
          notAfter: "2026-03-01T00:00:00Z"
          ready: true
        checks:
          - name: StsTxtRecord
            result: Pass
            message: id matches
            checkedAt: "2026-01-01T10:00:00Z"
          - name: MxStartTls
            result: Skipped
            message: probeMx is off
            checkedAt: "2026-01-01T10:00:00Z"
        conditions:
          - type: Ready
            status: "True"
            reason: Verified
            message: policy served and verified
            observedGeneration: 4
            lastTransitionTime: "2026-01-01T10:00:00Z"
      """;

  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @Test
  void yamlMapsOntoTheModel() {
    MtaStsPolicy policy = serialization.unmarshal(FULL_CR, MtaStsPolicy.class);

    MtaStsPolicySpec spec = policy.getSpec();
    assertThat(policy.getMetadata().getNamespace()).isEqualTo("mail");
    assertThat(spec.getDomain()).isEqualTo("example.com");
    assertThat(spec.getMode()).isEqualTo(Mode.ENFORCE);
    assertThat(spec.getMx()).containsExactly("mail.example.com", "*.example.net");
    assertThat(spec.getMaxAge()).isEqualTo(1_209_600L);
    assertThat(spec.effectiveRua()).hasSize(2);
    assertThat(spec.getIngress().getAnnotations())
        .containsEntry("nginx.ingress.kubernetes.io/ssl-redirect", "false");
    assertThat(spec.getTls().getIssuerRef().getKind()).isEqualTo(IssuerKind.CLUSTER_ISSUER);
    assertThat(spec.getServer().getResources().getRequests())
        .containsEntry("memory", new Quantity("16Mi"));
    assertThat(spec.getVerification().getInterval()).isEqualTo("15m");

    MtaStsPolicyStatus status = policy.getStatus();
    assertThat(status.getPolicy())
        .isEqualTo(
            "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 1209600\r\n");
    assertThat(status.getDnsRecords().get(0))
        .isEqualTo(
            new DnsRecord("_mta-sts.example.com", "TXT", "v=STSv1; id=7f3k9q2m4x8c1b6n0d5v"));
    assertThat(status.getChecks().get(1).getResult()).isEqualTo(CheckResult.SKIPPED);
    assertThat(status.condition(ConditionTypes.READY)).get().extracting("status").isEqualTo("True");
    assertThat(status.condition(ConditionTypes.VERIFIED)).isEmpty();
  }

  @Test
  void modelWritesBackTheSameDocument() throws Exception {
    MtaStsPolicy policy = serialization.unmarshal(FULL_CR, MtaStsPolicy.class);

    String written = serialization.asYaml(policy);

    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    assertThat(yaml.readTree(written)).isEqualTo(yaml.readTree(FULL_CR));
    assertThat(serialization.unmarshal(written, MtaStsPolicy.class).getSpec())
        .isEqualTo(policy.getSpec());
  }

  @Test
  void absentOptionalFieldsStayAbsent() throws Exception {
    MtaStsPolicy policy =
        new MtaStsPolicy("mail", "example-com", new MtaStsPolicySpec());
    policy.getSpec().setDomain("example.com");

    JsonNode spec = new ObjectMapper().readTree(serialization.asJson(policy)).get("spec");

    // A null written as a value would clear the field under a merge patch.
    assertThat(spec.size()).isEqualTo(1);
    assertThat(spec.get("domain").asText()).isEqualTo("example.com");
  }

  @Test
  void statusRoundTripComparesEqualSoNoOpReconcilesWriteNothing() {
    MtaStsPolicyStatus built = new MtaStsPolicyStatus();
    built.setObservedGeneration(4L);
    built.setPolicyId("7f3k9q2m4x8c1b6n0d5v");
    built.setDnsRecords(
        List.of(new DnsRecord("_mta-sts.example.com", "TXT", "v=STSv1; id=7f3k9q2m4x8c1b6n0d5v")));
    built.setCertificate(new CertificateStatus("tls", "2026-03-01T00:00:00Z", true));
    built.setChecks(
        List.of(
            new VerificationCheck(
                "PolicyFetch", CheckResult.WARN, "slow", "2026-01-01T10:00:00Z")));
    built.setConditions(
        List.of(
            new ConditionBuilder()
                .withType(ConditionTypes.READY)
                .withStatus("False")
                .withReason("RollingOut")
                .withMessage("waiting for the new policy to be served")
                .withObservedGeneration(4L)
                .withLastTransitionTime("2026-01-01T10:00:00Z")
                .build()));

    MtaStsPolicyStatus readBack =
        serialization.unmarshal(serialization.asJson(built), MtaStsPolicyStatus.class);

    assertThat(readBack).isEqualTo(built).hasSameHashCodeAs(built);
  }

  @Test
  void anUnknownModeIsReadAsUnrecognizedInsteadOfFailing() {
    // failing here would stop the informer for every resource; the reconciler reports it
    String cr = FULL_CR.replace("mode: enforce", "mode: Enforce");

    MtaStsPolicy read = serialization.unmarshal(cr, MtaStsPolicy.class);

    assertThat(read.getSpec().getMode()).isEqualTo(Mode.UNRECOGNIZED);
    assertThatThrownBy(() -> Mode.fromValue("Enforce"))
        .hasMessageContaining("'Enforce'").hasMessageContaining("enforce, testing, none");
  }

  @Test
  void unknownCheckResultIsRejected() {
    String cr = FULL_CR.replace("result: Pass", "result: PASS");

    assertThatThrownBy(() -> serialization.unmarshal(cr, MtaStsPolicy.class))
        .hasMessageContaining("PASS")
        .hasMessageContaining("Pass");
  }

  @Test
  void unknownIssuerKindIsReadAsUnrecognizedInsteadOfFailing() {
    String cr = FULL_CR.replace("kind: ClusterIssuer", "kind: clusterissuer");

    MtaStsPolicy read = serialization.unmarshal(cr, MtaStsPolicy.class);

    assertThat(read.getSpec().getTls().getIssuerRef().getKind())
        .isEqualTo(IssuerKind.UNRECOGNIZED);
  }

  @Test
  void unknownFieldIsRejectedNamingItSoTyposInCrFilesAreNotIgnored() {
    String cr = FULL_CR.replace("  maxAge: 1209600", "  max_age: 1209600");

    assertThatThrownBy(() -> serialization.unmarshal(cr, MtaStsPolicy.class))
        .hasMessageContaining("max_age");
  }

  @Test
  void fromValueExplainsTheAllowedValues() {
    assertThatThrownBy(() -> Mode.fromValue("strict"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown mode 'strict'; expected one of enforce, testing, none");
  }
}
