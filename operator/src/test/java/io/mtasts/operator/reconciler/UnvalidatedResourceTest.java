package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.testing.Policies;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A resource that never passed the CRD's schema (applied while validation was off, or written
 * by an older CRD) must be reported, not break the operator for every other resource.
 */
class UnvalidatedResourceTest {

  private OperatorHarness cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new OperatorHarness().start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private void createRaw(String name, String spec) {
    String yaml = "apiVersion: mtasts.io/v1alpha1\nkind: MtaStsPolicy\nmetadata:\n  name: " + name
        + "\nspec: " + spec + "\n";
    GenericKubernetesResource raw = cluster.client.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
        GenericKubernetesResource.class);
    cluster.client.genericKubernetesResources("mtasts.io/v1alpha1", "MtaStsPolicy")
        .inNamespace(OperatorHarness.NAMESPACE).resource(raw).create();
  }

  @Test
  void aModeOutsideTheEnumIsReportedAsInvalidAndOthersAreStillReconciled() {
    createRaw("bad", "{domain: bad.example, mode: Enforce, mx: [mail.bad.example]}");
    createRaw("kind", "{domain: kind.example, mx: [mail.kind.example],"
        + " tls: {issuerRef: {name: le, kind: clusterissuer}}}");
    // a field of a newer CRD version, read by this one
    createRaw("newer", "{domain: newer.example, mx: [mail.newer.example], futureField: x}");
    cluster.create(Policies.basic("good", "good.example"));

    cluster.awaitChild(ConfigMap.class, "mta-sts-good", x -> true);
    MtaStsPolicy bad = cluster.awaitPolicy("bad", p -> p.getStatus() != null
        && p.getStatus().condition(ConditionTypes.READY)
            .map(c -> c.getReason().equals("InvalidSpec")).orElse(false));
    assertThat(bad.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("spec.mode: must be one of enforce, testing, none");
    assertThat(cluster.child(ConfigMap.class, "mta-sts-bad")).isNull();
    MtaStsPolicy kind = cluster.awaitPolicy("kind", p -> p.getStatus() != null
        && p.getStatus().condition(ConditionTypes.READY)
            .map(c -> c.getReason().equals("InvalidSpec")).orElse(false));
    assertThat(kind.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("spec.tls.issuerRef.kind: must be Issuer or ClusterIssuer");
    cluster.awaitChild(ConfigMap.class, "mta-sts-newer", x -> true);
  }
}
