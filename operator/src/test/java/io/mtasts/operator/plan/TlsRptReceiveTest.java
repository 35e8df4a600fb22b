package io.mtasts.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.policy.TlsRptRecord;
import io.mtasts.operator.testing.Policies;
import org.junit.jupiter.api.Test;

/** spec.tlsRpt.receive: the published rua, and the refusal without a shared server. */
class TlsRptReceiveTest {

  private static MtaStsPolicy policy(String tlsRpt, String server) {
    return Policies.fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata: {name: example, namespace: mail}
        spec:
          domain: example.com
          mx: [mail.example.com]
          tlsRpt: %s
        %s""".formatted(tlsRpt, server));
  }

  private static final String SHARED = "  server: {ref: {name: shared, namespace: hosting}}\n";

  @Test
  void receivingAddsTheServersHttpsUriAfterTheListedOnes() {
    MtaStsPolicy p = policy("{rua: [\"mailto:tlsrpt@example.com\"], receive: true}", SHARED);

    assertThat(SpecValidator.problems(p.getSpec())).isEmpty();
    assertThat(PolicyPlan.of(p, PlanSettings.defaults()).tlsRpt()).map(TlsRptRecord::render)
        .contains("v=TLSRPTv1; rua=mailto:tlsrpt@example.com,"
            + "https://mta-sts.example.com/tlsrpt");
  }

  @Test
  void withoutReceiveOnlyTheListedUrisArePublished() {
    MtaStsPolicy p = policy("{rua: [\"mailto:tlsrpt@example.com\"]}", SHARED);

    assertThat(PublishedRua.of(p.getSpec())).containsExactly("mailto:tlsrpt@example.com");
  }

  @Test
  void receivingWithoutASharedServerIsRefusedNamingTheField() {
    MtaStsPolicy p = policy("{rua: [\"mailto:tlsrpt@example.com\"], receive: true}", "");

    assertThat(SpecValidator.problems(p.getSpec())).singleElement().asString()
        .startsWith("spec.tlsRpt.receive: true needs spec.server.ref");
  }

  @Test
  void receivingStillNeedsAListedUri() {
    MtaStsPolicy p = policy("{receive: true}", SHARED);

    assertThat(SpecValidator.problems(p.getSpec())).anySatisfy(problem ->
        assertThat(problem).startsWith("spec.tlsRpt.rua: at least one"));
  }
}
