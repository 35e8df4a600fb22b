package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.SharedPolicy;
import io.mtasts.operator.localserver.LocalApiServer;
import io.mtasts.operator.testing.Policies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedPolicyHandoverTest {

  private static final String POLICY =
      "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 86400\r\n";

  private LocalApiServer api;
  private KubernetesClient client;

  @AfterEach
  void stop() {
    if (api != null) {
      client.close();
      api.close();
    }
  }

  @Test
  void keepsTheExactBytesAndTheServerAndLowerCasesTheDomain() {
    SharedPolicy shared = SharedPolicyHandover.of("mail/shared", "Example.COM", "id1", POLICY);

    assertThat(shared.getServer()).isEqualTo("mail/shared");
    assertThat(shared.getDomain()).isEqualTo("example.com");
    assertThat(shared.getPolicyId()).isEqualTo("id1");
    assertThat(shared.getPolicy()).isEqualTo(POLICY);
  }

  @Test
  void refusesBytesThatAreNoValidPolicy() {
    assertThatThrownBy(() -> SharedPolicyHandover.of("mail/shared", "example.com", "id1",
        "version: STSv1\nmode: sometimes\nmx: mx.example.com\nmax_age: 86400\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("policy is not a valid MTA-STS policy: ")
        .hasMessageContaining("mode");
    assertThatThrownBy(() -> SharedPolicyHandover.of("mail/shared", "example.com", "id1", null))
        .hasMessageContaining("policy is empty");
  }

  @Test
  void refusesAServerThatIsNotNamespaceSlashName() {
    for (String server : new String[] {"shared", "Mail/Shared", "mail/", "/shared", "a/b/c", null}) {
      assertThatThrownBy(() -> SharedPolicyHandover.of(server, "example.com", "id1", POLICY))
          .as(String.valueOf(server))
          .hasMessageContaining("is not NAMESPACE/NAME");
    }
    assertThatThrownBy(() -> SharedPolicyHandover.of("mail/shared", " ", "id1", POLICY))
        .hasMessageStartingWith("domain is empty");
    assertThatThrownBy(() -> SharedPolicyHandover.of("mail/shared", "example.com", "", POLICY))
        .hasMessageStartingWith("policyId is empty");
  }

  private MtaStsPolicy created() {
    api = new LocalApiServer();
    client = api.newClient();
    api.installPolicyCrd(client);
    MtaStsPolicy p = Policies.basic("example", "example.com");
    p.getMetadata().setNamespace("mail");
    p = client.resource(p).create();
    MtaStsPolicyStatus status = new MtaStsPolicyStatus();
    status.setPolicyId("id0");
    status.setObservedGeneration(1L);
    p.setStatus(status);
    return client.resource(p).updateStatus();
  }

  private MtaStsPolicy read() {
    return client.resources(MtaStsPolicy.class).inNamespace("mail").withName("example").get();
  }

  @Test
  void writesOnlyTheSharedFieldOfTheStatus() {
    MtaStsPolicy p = created();
    SharedPolicy shared = SharedPolicyHandover.of("mail/shared", "example.com", "id1", POLICY);

    MtaStsPolicy written = SharedPolicyHandover.write(client, p, shared);

    MtaStsPolicy stored = read();
    assertThat(stored.getStatus().getShared()).isEqualTo(shared);
    assertThat(stored.getStatus().getShared().getPolicy()).isEqualTo(POLICY);
    assertThat(stored.getStatus().getPolicyId()).isEqualTo("id0");
    assertThat(stored.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(written.getStatus().getShared()).isEqualTo(shared);
    assertThat(api.requests()).anyMatch(r -> r.method().equals("PATCH")
        && r.path().contains("/mtastspolicies/example/status"));
  }

  @Test
  void writesNothingWhenTheStatusHoldsTheValueAlready() {
    MtaStsPolicy p = created();
    SharedPolicy shared = SharedPolicyHandover.of("mail/shared", "example.com", "id1", POLICY);
    p = SharedPolicyHandover.write(client, p, shared);
    api.clearRequests();

    MtaStsPolicy again = SharedPolicyHandover.write(client, p, shared);

    assertThat(again).isSameAs(p);
    assertThat(api.writeCount()).isZero();
  }

  @Test
  void clearRemovesTheFieldAndKeepsTheRest() {
    MtaStsPolicy p = created();
    p = SharedPolicyHandover.write(client, p,
        SharedPolicyHandover.of("mail/shared", "example.com", "id1", POLICY));

    SharedPolicyHandover.clear(client, p);

    MtaStsPolicy stored = read();
    assertThat(stored.getStatus().getShared()).isNull();
    assertThat(stored.getStatus().getPolicyId()).isEqualTo("id0");
    api.clearRequests();
    SharedPolicyHandover.clear(client, stored);
    assertThat(api.writeCount()).isZero();
  }
}
