package io.mtasts.operator.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.SharedPolicy;
import io.mtasts.operator.testing.Policies;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyWatchTest {

  private static final String TEXT =
      "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";

  @Test
  void theStoreKeepsOnlyWhatTheServerServesFrom() {
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    MtaStsPolicyStatus status = new MtaStsPolicyStatus();
    status.setShared(new SharedPolicy("mail/shared", "example.com", "20261201000000abcdef", TEXT));
    status.setPolicyId("20261201000000abcdef");
    status.setPolicy(TEXT);
    status.setConditions(List.<Condition>of(new ConditionBuilder().withType("Ready")
        .withStatus("True").withReason("Ready").withMessage("a long message").build()));
    policy.setStatus(status);

    MtaStsPolicy kept = PolicyWatch.servedPart(policy);

    assertThat(kept.getStatus().getConditions()).isNullOrEmpty();
    assertThat(kept.getStatus().getPolicy()).isNull();
    assertThat(kept.getStatus().getPolicyId()).isNull();
    PolicyWatch watch = new PolicyWatch(null, "mail/shared", List.of(), new PolicyHosts());
    assertThat(watch.entry(kept)).hasValueSatisfying(entry -> {
      assertThat(entry.domain()).isEqualTo("example.com");
      assertThat(new String(entry.body(), StandardCharsets.US_ASCII)).isEqualTo(TEXT);
    });
  }
}
