package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchRuntimeException;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.localserver.LocalApiServer;
import io.mtasts.operator.testing.Policies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Given a reconcile that computed its status from a copy of the policy older than the stored
 * one (the informer had not yet delivered the previous reconcile's status write, which
 * advertised a newer id), when it writes that status, then the write is refused and the newer
 * status stays: an id advertised earlier never comes back for bytes no longer served. A fault
 * run with 200 policies and operator kills saw exactly that regression once.
 */
class PolicyStatusWriteTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final LocalApiServer api = new LocalApiServer();
  private KubernetesClient client;

  @BeforeEach
  void start() {
    client = api.newClient();
    api.installPolicyCrd(client);
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  @Test
  void aStatusComputedFromAStaleCopyIsRefusedAndTheNewerStatusStays() {
    MtaStsPolicy created = client.resources(MtaStsPolicy.class).inNamespace("mail")
        .resource(Policies.basic("example", "example.com")).create();
    MtaStsPolicy first = PolicyStatusWrite.write(client, null, created, advertised("id-a"));
    MtaStsPolicy second = PolicyStatusWrite.write(client, null, first, advertised("id-b"));
    assertThat(second.getStatus().getPolicyId()).isEqualTo("id-b");

    // a reconcile that read the policy before "id-b" was written computes a status from it
    RuntimeException refusal = catchRuntimeException(() ->
        PolicyStatusWrite.write(client, null, first, advertised("id-a")));
    RuntimeException meaning = PolicyStatusWrite.refused(refusal, first, client);

    assertThat(meaning).isInstanceOf(StaleCopy.class)
        .hasMessageContaining("mail/example")
        .hasMessageContaining(first.getMetadata().getResourceVersion());
    assertThat(stored().getStatus().getPolicyId()).isEqualTo("id-b");
  }

  @Test
  void aStatusComputedFromTheStoredCopyIsWritten() {
    MtaStsPolicy created = client.resources(MtaStsPolicy.class).inNamespace("mail")
        .resource(Policies.basic("example", "example.com")).create();
    MtaStsPolicy written = PolicyStatusWrite.write(client, null, created, advertised("id-a"));

    assertThat(written.getStatus().getPolicyId()).isEqualTo("id-a");
    assertThat(stored().getStatus().getPolicyId()).isEqualTo("id-a");
    assertThat(written.getMetadata().getResourceVersion())
        .isNotEqualTo(created.getMetadata().getResourceVersion());
  }

  @Test
  void aConflictWithAPolicyBeingDeletedHandsOverToTheRetirement() {
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getMetadata().setFinalizers(java.util.List.of("mtasts.io/retirement"));
    MtaStsPolicy created = client.resources(MtaStsPolicy.class).inNamespace("mail")
        .resource(policy).create();
    client.resources(MtaStsPolicy.class).inNamespace("mail").withName("example").delete();

    RuntimeException refusal = catchRuntimeException(() ->
        PolicyStatusWrite.write(client, null, created, advertised("id-a")));

    assertThat(PolicyStatusWrite.refused(refusal, created, client))
        .isInstanceOf(PolicyStatusWrite.DeletedMeanwhile.class);
  }

  private MtaStsPolicy stored() {
    return client.resources(MtaStsPolicy.class).inNamespace("mail").withName("example").get();
  }

  private static MtaStsPolicyStatus advertised(String id) {
    MtaStsPolicyStatus status = new MtaStsPolicyStatus();
    status.setPolicyId(id);
    status.setPolicy("version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800"
        + "\r\n");
    return SERIALIZATION.clone(status);
  }
}
