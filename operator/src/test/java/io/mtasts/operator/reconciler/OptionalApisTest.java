package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.externaldns.DNSEndpoint;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.testing.Policies;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** cert-manager and external-dns: used when installed and asked for, reported when missing. */
class OptionalApisTest {

  private static final String CHILD = PolicyLifecycleTest.CHILD;
  private OperatorHarness cluster;

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static MtaStsPolicy withIssuer() {
    return Policies.fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: example
        spec:
          domain: example.com
          mode: enforce
          mx: ["mail.example.com"]
          tls:
            issuerRef: {name: letsencrypt, kind: ClusterIssuer}
        """);
  }

  @Test
  void withCertManagerACertificateForExactlyThePolicyHostIsCreated() throws Exception {
    cluster = new OperatorHarness();
    cluster.installCertManager();
    cluster.start();
    cluster.create(withIssuer());

    Certificate cert = cluster.awaitChild(Certificate.class, CHILD, x -> true);
    assertThat(cert.getSpec().getDnsNames()).containsExactly("mta-sts.example.com");
    assertThat(cert.getSpec().getSecretName()).isEqualTo("mta-sts-example-tls");
    assertThat(cert.getSpec().getIssuerRef().getName()).isEqualTo("letsencrypt");
    assertThat(cert.getSpec().getIssuerRef().getKind()).isEqualTo("ClusterIssuer");
    assertThat(cert.getSpec().getIssuerRef().getGroup()).isEqualTo("cert-manager.io");
    assertThat(cert.getSpec().getPrivateKey().getRotationPolicy()).isEqualTo("Always");
    // the Certificate does not wait for the Service, the Ingress does: it may come later
    assertThat(cluster.awaitChild(Ingress.class, CHILD, x -> true).getSpec().getTls().get(0)
        .getSecretName()).isEqualTo("mta-sts-example-tls");

    MtaStsPolicy issuing = cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().condition(ConditionTypes.CERTIFICATE_READY)
            .map(c -> c.getReason().equals("Issuing")).orElse(false));
    assertThat(issuing.getStatus().getCertificate().getReady()).isFalse();

    // cert-manager issues the certificate
    cert.setStatus(new io.fabric8.certmanager.api.model.v1.CertificateStatusBuilder()
        .addNewCondition().withType("Ready").withStatus("True").withReason("Ready")
        .withMessage("Certificate is up to date and has not expired").endCondition()
        .withNotAfter("2027-02-26T00:00:00Z")
        .build());
    cluster.client.resource(cert).updateStatus();
    MtaStsPolicy issued = cluster.awaitPolicy("example", p -> p.getStatus()
        .condition(ConditionTypes.CERTIFICATE_READY).map(c -> c.getStatus().equals("True"))
        .orElse(false));
    assertThat(issued.getStatus().getCertificate().getNotAfter())
        .isEqualTo("2027-02-26T00:00:00Z");
    assertThat(issued.getStatus().getCertificate().getReady()).isTrue();
  }

  @Test
  void withoutCertManagerTheCertificateIsReportedMissingAndTheRestProceeds() throws Exception {
    cluster = new OperatorHarness().start();
    cluster.create(withIssuer());

    MtaStsPolicy missing = cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().condition(ConditionTypes.CERTIFICATE_READY)
            .map(c -> c.getReason().equals("CertManagerNotInstalled")).orElse(false));
    assertThat(missing.getStatus().condition(ConditionTypes.CERTIFICATE_READY).orElseThrow()
        .getMessage()).contains("ClusterIssuer/letsencrypt").contains("install cert-manager");
    assertThat(cluster.awaitChild(Deployment.class, CHILD, x -> true)).isNotNull();
    assertThat(cluster.awaitChild(ConfigMap.class, CHILD, x -> true)).isNotNull();
    assertThat(cluster.api.requests()).noneMatch(r -> r.path().contains("cert-manager.io/v1"));
  }

  @Test
  void externalDnsGetsTheRecordsOnlyOnceThePolicyIsServedAndLosesThemWhenReleased()
      throws Exception {
    cluster = new OperatorHarness();
    cluster.installExternalDns();
    cluster.start();
    cluster.dns.addMx("example.com", 10, "mail.example.com");
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getSpec().setDns(new io.mtasts.operator.api.v1alpha1.DnsSpec());
    policy.getSpec().getDns().setExternalDns(true);
    policy.getSpec().setTlsRpt(new io.mtasts.operator.api.v1alpha1.TlsRptSpec());
    policy.getSpec().getTlsRpt().setRua(java.util.List.of("mailto:tls@example.com"));
    cluster.create(policy);

    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.awaitPolicy("example", p -> p.getStatus() != null && p.getStatus()
        .condition(ConditionTypes.POLICY_SERVED).map(c -> c.getReason().equals("RollingOut"))
        .orElse(false));
    assertThat(cluster.child(DNSEndpoint.class, CHILD))
        .as("no DNSEndpoint before the policy is served").isNull();

    cluster.completeRollout(CHILD);
    DNSEndpoint endpoint = cluster.awaitChild(DNSEndpoint.class, CHILD, x -> true);
    String testingId = cluster.awaitPolicy("example",
        p -> p.getStatus().getPolicyId() != null).getStatus().getPolicyId();
    assertThat(endpoint.getSpec().getEndpoints()).extracting(DNSEndpoint.Endpoint::getDnsName,
            e -> e.getTargets().get(0))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("_mta-sts.example.com",
                "v=STSv1; id=" + testingId),
            org.assertj.core.groups.Tuple.tuple("_smtp._tls.example.com",
                "v=TLSRPTv1; rua=mailto:tls@example.com"));

    // a new policy: the DNSEndpoint keeps the old id until the new bytes are served
    cluster.edit("example", p -> p.getSpec().setMode(Mode.ENFORCE));
    cluster.awaitChild(ConfigMap.class, CHILD,
        cm -> cm.getData().get("mta-sts.txt").contains("enforce"));
    cluster.awaitPolicy("example", p -> p.getStatus().condition(ConditionTypes.POLICY_SERVED)
        .map(c -> c.getReason().equals("RollingOut")).orElse(false));
    assertThat(cluster.child(DNSEndpoint.class, CHILD).getSpec().getEndpoints().get(0)
        .getTargets()).containsExactly("v=STSv1; id=" + testingId);
    String enforceId = cluster.get("example").getStatus().getRollout().getPolicyId();
    assertThat(enforceId).isNotEqualTo(testingId);
    cluster.completeRollout(CHILD);
    cluster.awaitChild(DNSEndpoint.class, CHILD, e -> e.getSpec().getEndpoints().get(0)
        .getTargets().get(0).equals("v=STSv1; id=" + enforceId));

    // turned off, it stays until the policy is retired (ExternalDnsOffTest), or the retire
    // annotation lets it go
    cluster.edit("example", p -> {
      p.getSpec().getDns().setExternalDns(false);
      p.getMetadata().getAnnotations().put(RetireAnnotation.KEY, RetireAnnotation.IMMEDIATE);
    });
    org.awaitility.Awaitility.await().atMost(OperatorHarness.TIMEOUT)
        .until(() -> cluster.child(DNSEndpoint.class, CHILD) == null);
  }

  @Test
  void deletingTheResourceLeavesTheChildrenToTheGarbageCollector() throws Exception {
    cluster = new OperatorHarness().start();
    MtaStsPolicy created = cluster.create(Policies.basic("example", "example.com"));
    cluster.awaitChild(Ingress.class, CHILD, x -> true);
    cluster.api.clearRequests();

    cluster.client.resource(created).delete();
    org.awaitility.Awaitility.await().atMost(OperatorHarness.TIMEOUT)
        .until(() -> cluster.get("example") == null);
    Thread.sleep(Duration.ofSeconds(1).toMillis());

    assertThat(cluster.api.requests().stream().filter(r -> r.method().equals("DELETE"))
        .filter(r -> !r.path().contains("/mtastspolicies/")).toList())
        .as("the operator itself deletes nothing").isEmpty();
    // what the garbage collector follows: every child names the resource as its owner
    for (var kind : java.util.List.of(ConfigMap.class, Deployment.class,
        io.fabric8.kubernetes.api.model.Service.class, Ingress.class)) {
      assertThat(cluster.child(kind, CHILD).getMetadata().getOwnerReferences())
          .extracting(r -> r.getUid()).containsExactly(created.getMetadata().getUid());
    }
  }
}
