package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.runtime.LeaderGauge;
import io.mtasts.operator.runtime.OperatorRuntime;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two instances: one Lease, one reconciling leader, a takeover when the leader stops. */
class LeaderElectionE2E {

  private RealCluster cluster;
  private OperatorRuntime first;
  private OperatorRuntime second;

  @AfterEach
  void stop() {
    for (OperatorRuntime r : new OperatorRuntime[] {first, second}) {
      if (r != null) {
        r.close();
      }
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private MtaStsPolicy policy(String name, String domain) {
    String yaml = """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: %s
        spec:
          domain: %s
          mx: [mail.%s]
        """.formatted(name, domain, domain);
    return cluster.admin.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }

  /** mtasts_operator_leader as Prometheus scrapes it from the instance. */
  private static double leaderGauge(OperatorRuntime runtime) {
    return runtime.meterRegistry().get(LeaderGauge.NAME).gauge().value();
  }

  @Test
  void onlyTheLeaderReconcilesAndTheOtherTakesOverWhenItStops() throws Exception {
    cluster = RealCluster.connect("leader");
    first = E2EOperator.start(cluster, "instance-a", Map.of());
    await().atMost(RealCluster.TIMEOUT).until(first::isLeading);
    second = E2EOperator.start(cluster, "instance-b", Map.of());

    cluster.create(policy("one", "one.example"));
    cluster.awaitChild(ConfigMap.class, "mta-sts-one", x -> true);
    Lease lease = cluster.admin.leases().inNamespace(cluster.namespace)
        .withName("mta-sts-operator-e2e").get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("instance-a");
    assertThat(second.isLeading()).isFalse();
    assertThat(leaderGauge(first)).isEqualTo(1.0);
    assertThat(leaderGauge(second)).isEqualTo(0.0);
    assertThat(cluster.child(ConfigMap.class, "mta-sts-one").getMetadata().getManagedFields())
        .allSatisfy(f -> assertThat(f.getManager()).doesNotContain("instance-b"));

    long stoppedAt = System.nanoTime();
    first.close();
    first = null;
    await().atMost(RealCluster.TIMEOUT).until(second::isLeading);
    Duration takeover = Duration.ofNanos(System.nanoTime() - stoppedAt);
    // a closed leader releases the Lease, so the standby need not wait out its 15 s: it takes
    // over within its retry period (2 s plus jitter)
    assertThat(takeover).isLessThan(Duration.ofSeconds(8));
    assertThat(leaderGauge(second)).isEqualTo(1.0);

    cluster.create(policy("two", "two.example"));
    cluster.awaitChild(ConfigMap.class, "mta-sts-two", x -> true);
    assertThat(cluster.admin.leases().inNamespace(cluster.namespace)
        .withName("mta-sts-operator-e2e").get().getSpec().getHolderIdentity())
        .isEqualTo("instance-b");
  }
}
