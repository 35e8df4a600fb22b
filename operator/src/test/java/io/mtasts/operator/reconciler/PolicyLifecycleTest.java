package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.DnsRecord;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.policy.PolicyId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Given a policy resource, when it is created and changed, then these objects and this status. */
class PolicyLifecycleTest {

  private static final String TESTING_POLICY =
      "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";

  private OperatorHarness cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new OperatorHarness().start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void createMakesEveryChildOwnedByTheResourceAndWaitsForTheRolloutBeforeAdvertising() {
    MtaStsPolicy created = cluster.create(Policies.basic("example", "example.com"));
    String uid = created.getMetadata().getUid();

    ConfigMap cm = cluster.awaitChild(ConfigMap.class, "mta-sts-example", x -> true);
    assertThat(cm.getData().get("mta-sts.txt")).isEqualTo(TESTING_POLICY);
    assertThat(cm.getData().get("nginx.conf")).contains("location = /.well-known/mta-sts.txt");
    Deployment deployment = cluster.awaitChild(Deployment.class, "mta-sts-example", x -> true);
    Service service = cluster.awaitChild(Service.class, "mta-sts-example", x -> true);
    Ingress ingress = cluster.awaitChild(Ingress.class, "mta-sts-example", x -> true);
    for (HasMetadata child : List.of(cm, deployment, service, ingress)) {
      assertThat(child.getMetadata().getOwnerReferences())
          .as("owner of %s", child.getKind())
          .anySatisfy(ref -> assertThat(ref.getUid()).isEqualTo(uid));
      assertThat(child.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "mta-sts-operator");
    }
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("mta-sts.example.com");
    assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("example-tls");

    MtaStsPolicy rolling = cluster.awaitPolicy("example",
        p -> p.getStatus() != null && p.getStatus().condition(ConditionTypes.POLICY_SERVED)
            .map(c -> c.getReason().equals("RollingOut")).orElse(false));
    assertThat(rolling.getStatus().getPolicyId()).isNull();
    assertThat(rolling.getStatus().getDnsRecords()).isNull();

    cluster.completeRollout("mta-sts-example");

    String expectedId = PolicyId.of(TESTING_POLICY.getBytes(StandardCharsets.US_ASCII));
    MtaStsPolicy served = cluster.awaitPolicy("example",
        p -> expectedId.equals(p.getStatus().getPolicyId()));
    assertThat(served.getStatus().getPolicy()).isEqualTo(TESTING_POLICY);
    assertThat(served.getStatus().getPolicyUrl())
        .isEqualTo("https://mta-sts.example.com/.well-known/mta-sts.txt");
    assertThat(served.getStatus().getDnsRecords()).containsExactly(
        new DnsRecord("_mta-sts.example.com", "TXT", "v=STSv1; id=" + expectedId));
    assertThat(served.getStatus().condition(ConditionTypes.READY).orElseThrow().getStatus())
        .isEqualTo("True");
  }
}
