package io.mtasts.operator.reconciler.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import io.mtasts.operator.plan.TenantLimits;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** spec.policyNamespaces takes namespace names and "*", and nothing else. */
class ServerSpecProblemsTest {

  private static final ServerSettings ALL_NAMESPACES =
      new ServerSettings("registry.example/server:1", Set.of(), TenantLimits.defaults());

  private static List<String> problems(List<String> policyNamespaces) {
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    spec.setPolicyNamespaces(policyNamespaces);
    return ServerSpecProblems.of(spec, ALL_NAMESPACES);
  }

  @Test
  void namespaceNamesAndTheWildcardAreAccepted() {
    assertThat(problems(null)).isEmpty();
    assertThat(problems(List.of("mail-a", "*"))).isEmpty();
  }

  @Test
  void anythingElseIsRefusedNamingTheFieldAndWhatIsAllowed() {
    assertThat(problems(List.of("Mail_A"))).singleElement().asString()
        .startsWith("spec.policyNamespaces: 'Mail_A' is neither a namespace name")
        .contains("\"*\" for any namespace");
    assertThat(problems(List.of("mail-*"))).hasSize(1);
  }
}
