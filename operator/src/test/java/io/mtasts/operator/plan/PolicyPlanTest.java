package io.mtasts.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.api.v1alpha1.IssuerKind;
import io.mtasts.operator.api.v1alpha1.IssuerRef;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.testing.Policies;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What one resource plus the operator's settings turn into. */
class PolicyPlanTest {

  private static final PlanSettings WITH_DEFAULT_ISSUER = new PlanSettings(
      PlanSettings.DEFAULT_WEB_SERVER_IMAGE, "",
      Optional.of(new IssuerRef("letsencrypt", IssuerKind.CLUSTER_ISSUER, "cert-manager.io")));

  @Test
  void childNamesAreValidServiceNamesEvenWhenTheResourceNameHasDots() {
    String dotted = ChildNames.of(Policies.basic("example.com", "example.com"));
    String dashed = ChildNames.of(Policies.basic("example-com", "example.com"));
    assertThat(dotted).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63)
        .startsWith("mta-sts-example-com-");
    assertThat(dashed).isEqualTo("mta-sts-example-com");
    assertThat(dotted).isNotEqualTo(dashed);
  }

  @Test
  void longResourceNamesAreShortenedToADnsLabel() {
    String name = "a".repeat(200);
    assertThat(ChildNames.of(Policies.basic(name, "example.com")))
        .hasSizeLessThanOrEqualTo(63).startsWith("mta-sts-aaaa");
  }

  @Test
  void theDefaultIssuerNeverTakesOverASecretTheUserNamed() {
    MtaStsPolicy ownSecret = Policies.basic("example", "example.com");
    assertThat(PolicyPlan.of(ownSecret, WITH_DEFAULT_ISSUER).issuer()).isEmpty();

    MtaStsPolicy nothingSaid = Policies.basic("example", "example.com");
    nothingSaid.getSpec().setTls(null);
    PolicyPlan plan = PolicyPlan.of(nothingSaid, WITH_DEFAULT_ISSUER);
    assertThat(plan.issuer()).map(IssuerRef::getName).contains("letsencrypt");
    assertThat(plan.tlsSecretName()).isEqualTo("mta-sts-example-tls");
  }

  @Test
  void aReportingUriWithARawSeparatorIsRejectedNamingTheField() {
    MtaStsPolicy policy = Policies.fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata: {name: example}
        spec:
          domain: example.com
          mx: [mail.example.com]
          tlsRpt: {rua: ["mailto:a,b@example.com"]}
        """);
    assertThat(SpecValidator.problems(policy.getSpec())).singleElement().asString()
        .startsWith("spec.tlsRpt.rua[0]:").contains("%2C");
  }
}
