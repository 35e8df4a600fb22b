package io.mtasts.operator.reconciler.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import io.mtasts.operator.plan.SharedServerName;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which policies a shared server admits, and what a refused policy is told. */
class SharedServerAccessTest {

  private static final SharedServerName NAME = new SharedServerName("hosting", "shared");

  private static MtaStsPolicyServer server(List<String> policyNamespaces,
      List<String> namespaces) {
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    spec.setPolicyNamespaces(policyNamespaces);
    spec.setNamespaces(namespaces);
    return new MtaStsPolicyServer("hosting", "shared", spec);
  }

  @Test
  void aMissingServerIsNamed() {
    var refusal = SharedServerAccess.check(NAME, null, "hosting").orElseThrow();
    assertThat(refusal.reason()).isEqualTo(ConditionReasons.SERVER_NOT_FOUND);
    assertThat(refusal.message()).contains("MtaStsPolicyServer hosting/shared")
        .contains("does not exist").contains("spec.server.ref");
  }

  @Test
  void withoutPolicyNamespacesOnlyTheServersOwnNamespaceIsAdmitted() {
    assertThat(SharedServerAccess.check(NAME, server(null, null), "hosting")).isEmpty();
    var refusal = SharedServerAccess.check(NAME, server(List.of(), null), "tenant")
        .orElseThrow();
    assertThat(refusal.reason()).isEqualTo(ConditionReasons.NAMESPACE_NOT_ALLOWED);
    assertThat(refusal.message()).contains("hosting/shared").contains("'tenant'")
        .contains("spec.policyNamespaces").contains("only its own namespace 'hosting'");
  }

  @Test
  void listedNamespacesAndTheWildcardAreAdmitted() {
    assertThat(SharedServerAccess.check(NAME, server(List.of("tenant"), null), "tenant"))
        .isEmpty();
    assertThat(SharedServerAccess.check(NAME, server(List.of("tenant"), null), "hosting"))
        .get().extracting(SharedServerAccess.Refusal::message).asString()
        .contains("lists tenant");
    assertThat(SharedServerAccess.check(NAME, server(List.of("*"), null), "anyone")).isEmpty();
  }

  @Test
  void aNamespaceTheServerMayNotReadIsRefusedNamingSpecNamespaces() {
    var refusal = SharedServerAccess.check(NAME, server(List.of("*"), List.of("a", "b")),
        "tenant").orElseThrow();
    assertThat(refusal.reason()).isEqualTo(ConditionReasons.NAMESPACE_NOT_ALLOWED);
    assertThat(refusal.message()).contains("spec.namespaces lists only a, b");
    assertThat(SharedServerAccess.check(NAME, server(List.of("*"), List.of("tenant")),
        "tenant")).isEmpty();
  }
}
