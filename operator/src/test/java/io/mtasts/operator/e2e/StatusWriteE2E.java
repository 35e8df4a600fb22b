package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.reconciler.MtaStsPolicyReconciler;
import io.mtasts.operator.reconciler.PolicyStatusWrite;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's status write by server-side apply, as it runs against a real API server: a
 * status computed from a copy older than the stored policy is refused (409) and the newer status
 * stays, so an id advertised earlier never comes back for bytes no longer served.
 */
class StatusWriteE2E {

  private static RealCluster cluster;

  @BeforeAll
  static void connect() {
    cluster = RealCluster.connect("status-write");
  }

  @AfterAll
  static void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aServerSideApplyOfAStatusFromAStaleCopyIsRefused() {
    MtaStsPolicy created = cluster.create(cluster.admin.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream("""
            apiVersion: mtasts.io/v1alpha1
            kind: MtaStsPolicy
            metadata:
              name: stale
            spec:
              domain: stale.example
              mode: testing
              mx: [mail.stale.example]
            """.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class));
    MtaStsPolicy first = PolicyStatusWrite.write(cluster.admin, MtaStsPolicyReconciler.NAME,
        created, advertised("20261201000000aaaaaa"));
    MtaStsPolicy second = PolicyStatusWrite.write(cluster.admin, MtaStsPolicyReconciler.NAME,
        first, advertised("20261201000001bbbbbb"));
    assertThat(second.getStatus().getPolicyId()).isEqualTo("20261201000001bbbbbb");

    KubernetesClientException refusal = catchThrowableOfType(KubernetesClientException.class,
        () -> PolicyStatusWrite.write(cluster.admin, MtaStsPolicyReconciler.NAME, first,
            advertised("20261201000000aaaaaa")));

    assertThat(refusal).as("the write from the stale copy").isNotNull();
    assertThat(refusal.getCode()).isEqualTo(409);
    assertThat(cluster.get("stale").getStatus().getPolicyId())
        .isEqualTo("20261201000001bbbbbb");
  }

  private static MtaStsPolicyStatus advertised(String id) {
    MtaStsPolicyStatus status = new MtaStsPolicyStatus();
    status.setPolicyId(id);
    status.setPolicy("version: STSv1\r\nmode: testing\r\nmx: mail.stale.example\r\nmax_age: 604800"
        + "\r\n");
    return status;
  }
}
