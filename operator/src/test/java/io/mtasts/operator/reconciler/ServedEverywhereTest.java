package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateStatusBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.externaldns.DNSEndpoint;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.PolicyIds;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.testing.Policies;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Against the mock API server: the id goes out only once every pod the Service's EndpointSlices
 * list serves the new bytes and, with cert-manager, once the Certificate is Ready.
 */
class ServedEverywhereTest {

  private static final String CHILD = "mta-sts-example";
  private OperatorHarness cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Predicate<MtaStsPolicy> servedReason(String reason) {
    return p -> p.getStatus() != null && p.getStatus().condition(ConditionTypes.POLICY_SERVED)
        .map(c -> c.getReason().equals(reason)).orElse(false);
  }

  private byte[] configMapPolicy() {
    return cluster.child(ConfigMap.class, CHILD).getData().get(WebServerConfig.POLICY_KEY)
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The id allocated for the ConfigMap's policy, read from status.rollout. */
  private String allocatedId() {
    String sha = PolicyIds.sha256Hex(configMapPolicy());
    return cluster.awaitPolicy("example", p -> p.getStatus() != null
            && p.getStatus().getRollout() != null
            && sha.equals(p.getStatus().getRollout().getPolicySha256()))
        .getStatus().getRollout().getPolicyId();
  }

  @Test
  void everyPodIsAskedAndOneServingOtherBytesHoldsTheIdUntilItIsGone() throws Exception {
    cluster = new OperatorHarness().start();
    cluster.create(Policies.basic("example", "example.com"));
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    byte[] policy = configMapPolicy();
    String id = allocatedId();
    cluster.probe.serve(CHILD, policy);
    cluster.probe.serveAt("10.244.0.12", "version: STSv1\r\n".getBytes(StandardCharsets.US_ASCII));

    cluster.markRolledOut(CHILD);
    MtaStsPolicy none = cluster.awaitPolicy("example",
        servedReason(ConditionReasons.NO_SERVING_ENDPOINT));
    assertThat(none.getStatus().getPolicyId()).isNull();

    cluster.publishEndpoints(CHILD, "10.244.0.10", "10.244.0.11", "10.244.0.12");
    MtaStsPolicy differs = cluster.awaitPolicy("example",
        servedReason(ConditionReasons.SERVED_POLICY_DIFFERS));
    assertThat(differs.getStatus().getPolicyId()).isNull();
    assertThat(differs.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow()
        .getMessage()).contains("10.244.0.12:8080 answered 16 bytes that are not policy " + id);
    assertThat(cluster.probe.asked()).extracting(ServingEndpoint::hostAndPort)
        .contains("10.244.0.10:8080", "10.244.0.11:8080", "10.244.0.12:8080");

    // the pod with the other bytes goes away: its EndpointSlice change alone reconciles
    cluster.publishEndpoints(CHILD, "10.244.0.10", "10.244.0.11");
    cluster.awaitPolicy("example", p -> id.equals(p.getStatus().getPolicyId()));
  }

  @Test
  void withCertManagerTheIdAndTheDnsEndpointWaitForTheCertificate() throws Exception {
    cluster = new OperatorHarness();
    cluster.installCertManager();
    cluster.installExternalDns();
    cluster.start();
    cluster.create(Policies.fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: example
        spec:
          domain: example.com
          mx: ["mail.example.com"]
          tls:
            issuerRef: {name: letsencrypt, kind: ClusterIssuer}
          dns: {externalDns: true}
        """));
    Certificate cert = cluster.awaitChild(Certificate.class, CHILD, x -> true);
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    String id = allocatedId();
    cluster.completeRollout(CHILD);

    MtaStsPolicy waiting = cluster.awaitPolicy("example",
        servedReason(ConditionReasons.CERTIFICATE_NOT_READY));
    assertThat(waiting.getStatus().getPolicyId()).isNull();
    assertThat(waiting.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow()
        .getMessage()).contains("the Certificate mta-sts-example for mta-sts.example.com");
    assertThat(cluster.child(DNSEndpoint.class, CHILD)).isNull();

    cert.setStatus(new CertificateStatusBuilder()
        .addNewCondition().withType("Ready").withStatus("True").withReason("Ready")
        .withMessage("Certificate is up to date and has not expired").endCondition()
        .build());
    cluster.client.resource(cert).updateStatus();
    cluster.awaitPolicy("example", p -> id.equals(p.getStatus().getPolicyId()));
    cluster.awaitChild(DNSEndpoint.class, CHILD, e -> e.getSpec().getEndpoints().stream()
        .anyMatch(r -> r.getTargets().contains("v=STSv1; id=" + id)));
  }
}
