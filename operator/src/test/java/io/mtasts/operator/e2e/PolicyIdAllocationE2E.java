package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PolicyIds;
import io.mtasts.operator.runtime.OperatorRuntime;
import io.mtasts.operator.testing.ProbeDouble;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Policy ids on a real API server, status written with server-side apply: a reverted change is
 * advertised under a new id, and an allocated id survives a change of leader. The web server is
 * a real nginx that the operator's own probe asks; the assertions are on status and the ConfigMap.
 */
class PolicyIdAllocationE2E {

  private static final String TESTING =
      "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
  private static final String ENFORCE =
      "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
  private static final String CHILD = "mta-sts-example";

  private RealCluster cluster;
  private final LoopbackPods pods = new LoopbackPods();
  private OperatorRuntime operator;

  @BeforeEach
  void start() throws Exception {
    cluster = RealCluster.connect("ids");
    operator = E2EOperator.start(cluster, "e2e-ids-a", LoopbackPods.PROBE_LOOPBACK);
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    pods.close();
    if (cluster != null) {
      cluster.close();
    }
  }

  private MtaStsPolicy example() {
    String yaml = """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: example
        spec:
          domain: example.com
          mx: [mail.example.com]
          tls: {secretName: example-tls}
        """;
    return cluster.admin.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }

  private String configMapPolicy() {
    return cluster.child(ConfigMap.class, CHILD).getData().get("mta-sts.txt");
  }

  private String checksum() {
    return cluster.child(Deployment.class, CHILD).getSpec().getTemplate().getMetadata()
        .getAnnotations().get(DesiredChildren.CHECKSUM_ANNOTATION);
  }

  /** The rollout is complete and the pods serve what the ConfigMap holds. */
  private void serveCurrentConfigMap() {
    pods.serveCurrentConfigMap(cluster, CHILD);
  }

  private String createServed() {
    cluster.create(example());
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    serveCurrentConfigMap();
    return cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().getPolicyId() != null && TESTING.equals(p.getStatus().getPolicy()))
        .getStatus().getPolicyId();
  }

  /** Edits the spec; waits for the new allocation, the ConfigMap and the pod template. */
  private String change(Consumer<MtaStsPolicy> edit, String policy, String previousId) {
    String previousChecksum = checksum();
    cluster.update("example", edit);
    String sha = PolicyIds.sha256Hex(policy.getBytes(StandardCharsets.US_ASCII));
    String id = cluster.awaitPolicy("example", p -> p.getStatus().getRollout() != null
        && !p.getStatus().getRollout().getPolicyId().equals(previousId)
        && sha.equals(p.getStatus().getRollout().getPolicySha256()))
        .getStatus().getRollout().getPolicyId();
    cluster.awaitChild(ConfigMap.class, CHILD, c -> policy.equals(c.getData().get("mta-sts.txt")));
    cluster.awaitChild(Deployment.class, CHILD, d -> !previousChecksum.equals(d.getSpec()
        .getTemplate().getMetadata().getAnnotations().get(DesiredChildren.CHECKSUM_ANNOTATION)));
    return id;
  }

  @Test
  void aRevertedPartlyServedChangeIsAdvertisedUnderANewIdThatSurvivesALeaderChange()
      throws Exception {
    String idA = createServed();

    // B reaches pods of the old template through the mounted ConfigMap; the rollout stalls
    String idB = change(p -> p.getSpec().setMode(Mode.ENFORCE), ENFORCE, idA);
    pods.serve(cluster, CHILD, ENFORCE);
    String idRevert = change(p -> p.getSpec().setMode(Mode.TESTING), TESTING, idB);

    assertThat(idRevert).isNotIn(idA, idB).isGreaterThan(idB);
    assertThat(cluster.get("example").getStatus().getPolicyId()).isEqualTo(idA);
    String revertChecksum = checksum();

    // another instance takes over before the revert is served
    operator.close();
    operator = E2EOperator.start(cluster, "e2e-ids-b", LoopbackPods.PROBE_LOOPBACK);
    await().atMost(RealCluster.TIMEOUT).until(operator::isLeading);
    Thread.sleep(3000);
    assertThat(cluster.get("example").getStatus().getRollout().getPolicyId())
        .isEqualTo(idRevert);
    assertThat(checksum()).isEqualTo(revertChecksum);

    serveCurrentConfigMap();
    MtaStsPolicy reverted = cluster.awaitPolicy("example",
        p -> idRevert.equals(p.getStatus().getPolicyId()));
    assertThat(reverted.getStatus().getPolicy()).isEqualTo(TESTING);
    assertThat(reverted.getStatus().getDnsRecords().get(0).getValue())
        .isEqualTo("v=STSv1; id=" + idRevert);
    assertThat(configMapPolicy()).isEqualTo(TESTING);
  }
}
