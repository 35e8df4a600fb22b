package io.mtasts.operator.reconciler.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.PolicyServerRef;
import io.mtasts.operator.api.v1alpha1.ServerSpec;
import io.mtasts.operator.api.v1alpha1.SharedPolicy;
import io.mtasts.operator.testing.Policies;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server's counts: policies naming it, and those whose advertised id it serves. */
class ServerRecountTest {

  private static MtaStsPolicy policy(String namespace, String ref, String sharedServer,
      String sharedId, String advertisedId) {
    MtaStsPolicy policy = Policies.basic("p", "example.com");
    policy.getMetadata().setNamespace(namespace);
    if (ref != null) {
      policy.getSpec().setServer(new ServerSpec());
      policy.getSpec().getServer().setRef(new PolicyServerRef(ref, null));
    }
    MtaStsPolicyStatus status = new MtaStsPolicyStatus();
    status.setPolicyId(advertisedId);
    if (sharedServer != null) {
      status.setShared(new SharedPolicy(sharedServer, "example.com", sharedId, "x"));
    }
    policy.setStatus(status);
    return policy;
  }

  @Test
  void servedCountsOnlyPoliciesWhoseAdvertisedIdTheServerHas() {
    var counts = ServerRecount.count(List.of(
        // referencing, handed over, advertised
        policy("mail", "shared", "mail/shared", "id2", "id2"),
        // referencing, handed over, the new id not advertised yet: not served
        policy("mail", "shared", "mail/shared", "id3", "id1"),
        // referencing, nothing handed over yet
        policy("mail", "shared", null, null, null),
        // left for its own server, still served here until that one serves
        policy("mail", null, "mail/shared", "id4", "id4"),
        // another server of the same name elsewhere
        policy("other", "shared", "other/shared", "id5", "id5")), "mail/shared");
    assertThat(counts).isEqualTo(new ServerRecount.Counts(3, 2));
  }
}
