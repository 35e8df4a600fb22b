package io.mtasts.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.testing.Policies;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A policy served by a shared server: where its Ingress and Certificate go and how named. */
class SharedHostTest {

  private static MtaStsPolicy shared(String namespace, String serverNamespace, String tls) {
    MtaStsPolicy policy = Policies.fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: example
          namespace: %s
          uid: 0b5d6f7e-1111-2222-3333-444455556666
        spec:
          domain: example.com
          mode: testing
          mx: ["mail.example.com"]
          server:
            ref:
              name: shared
              namespace: %s
          tls:
        %s
        """.formatted(namespace, serverNamespace, tls.indent(4)));
    return policy;
  }

  private static final String ISSUER = """
      issuerRef:
        name: letsencrypt
        kind: ClusterIssuer""";

  private static PolicyPlan plan(MtaStsPolicy policy) {
    return PolicyPlan.of(policy, PlanSettings.defaults());
  }

  @Test
  void theIngressLivesInTheServersNamespaceAndRoutesToTheServersService() {
    PolicyPlan plan = plan(shared("customer-a", "hosting", ISSUER));
    SharedHost host = SharedHost.of(plan).orElseThrow();

    Ingress ingress = host.ingress(plan, "mta-sts-server-shared", 80);

    assertThat(ingress.getMetadata().getNamespace()).isEqualTo("hosting");
    assertThat(ingress.getMetadata().getName()).isEqualTo("mta-sts.customer-a.example");
    var rule = ingress.getSpec().getRules().get(0);
    assertThat(rule.getHost()).isEqualTo("mta-sts.example.com");
    var backend = rule.getHttp().getPaths().get(0).getBackend().getService();
    assertThat(backend.getName()).isEqualTo("mta-sts-server-shared");
    assertThat(backend.getPort().getNumber()).isEqualTo(80);
    assertThat(ingress.getSpec().getTls().get(0).getSecretName())
        .isEqualTo("mta-sts.customer-a.example-tls");
    assertThat(ingress.getMetadata().getLabels()).containsAllEntriesOf(Map.of(
        "mtasts.io/policy-namespace", "customer-a",
        "mtasts.io/policy-name", "example",
        "mtasts.io/policy-uid", "0b5d6f7e-1111-2222-3333-444455556666",
        "mtasts.io/server", "shared"));
    // not the dedicated children's label: their informers would map it to the policy
    assertThat(ingress.getMetadata().getLabels()).doesNotContainKey(ChildNames.MANAGED_BY_LABEL);
    assertThat(ingress.getMetadata().getOwnerReferences()).isNullOrEmpty();
  }

  @Test
  void theCertificateFillsTheSecretBesideTheIngress() {
    PolicyPlan plan = plan(shared("customer-a", "hosting", ISSUER));
    Certificate certificate = SharedHost.of(plan).orElseThrow().certificate(plan);

    assertThat(certificate.getMetadata().getNamespace()).isEqualTo("hosting");
    assertThat(certificate.getSpec().getSecretName()).isEqualTo("mta-sts.customer-a.example-tls");
    assertThat(certificate.getSpec().getDnsNames()).containsExactly("mta-sts.example.com");
    assertThat(certificate.getSpec().getIssuerRef().getName()).isEqualTo("letsencrypt");
  }

  @Test
  void inTheServersOwnNamespaceAnOwnerReferenceLetsGarbageCollectionRemoveThem() {
    PolicyPlan plan = plan(shared("hosting", "hosting", ISSUER));
    Ingress ingress = SharedHost.of(plan).orElseThrow().ingress(plan, "svc", 80);

    assertThat(ingress.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(r -> {
          assertThat(r.getKind()).isEqualTo("MtaStsPolicy");
          assertThat(r.getUid()).isEqualTo("0b5d6f7e-1111-2222-3333-444455556666");
        });
  }

  @Test
  void aNamedSecretIsTheOneBesideTheIngress() {
    PolicyPlan plan = plan(shared("customer-a", "hosting", "secretName: wildcard-tls"));
    SharedHost host = SharedHost.of(plan).orElseThrow();

    assertThat(host.secretName()).isEqualTo("wildcard-tls");
    assertThat(host.ingress(plan, "svc", 80).getSpec().getTls().get(0).getSecretName())
        .isEqualTo("wildcard-tls");
  }

  @Test
  void withoutANamespaceTheReferenceMeansThePolicysOwn() {
    MtaStsPolicy policy = shared("customer-a", "hosting", ISSUER);
    policy.getSpec().getServer().getRef().setNamespace(null);

    assertThat(SharedHost.of(plan(policy)).orElseThrow().serverNamespace())
        .isEqualTo("customer-a");
  }

  @Test
  void aDedicatedPolicyHasNoSharedHostAndKeepsItsOwnIngress() {
    PolicyPlan plan = plan(Policies.basic("example", "example.com"));

    assertThat(SharedHost.of(plan)).isEmpty();
    assertThat(ChildKind.INGRESS.isWantedBy(plan)).isTrue();
    assertThat(ChildKind.INGRESS.isWantedBy(plan(shared("a", "b", ISSUER)))).isFalse();
    assertThat(ChildKind.CERTIFICATE.isWantedBy(plan(shared("a", "b", ISSUER)))).isFalse();
  }

  @Test
  void longNamesStayValidAndDistinct() {
    String longName = "a".repeat(250);
    String one = SharedHost.name("customer-a", longName);
    String two = SharedHost.name("customer-b", longName);

    assertThat(one.length() + "-tls".length()).isLessThanOrEqualTo(253);
    assertThat(one).isNotEqualTo(two);
    assertThat(SharedHost.serverLabelValue("s".repeat(100))).hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void gatewayExposureWithASharedServerIsRefusedNamingTheFields() {
    MtaStsPolicy policy = shared("customer-a", "hosting", ISSUER);
    policy.getSpec().setExposure(Policies.fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata: {name: x}
        spec:
          domain: example.com
          exposure:
            type: Gateway
            gateway: {name: public}
        """).getSpec().getExposure());

    PolicyPlan.Validated validated = PolicyPlan.validate(policy, PlanSettings.defaults(),
        PolicyIds.forNewResource(java.time.Instant.now()));

    assertThat(validated.plan()).isEmpty();
    assertThat(validated.problems()).anySatisfy(p -> assertThat(p)
        .startsWith("spec.exposure.type: Gateway cannot be combined with spec.server.ref"));
  }

  @Test
  void theOperatorsDefaultGatewayExposureIsRefusedForASharedServer() {
    MtaStsPolicy policy = shared("customer-a", "hosting", ISSUER);
    var gateway = Policies.fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata: {name: x}
        spec:
          domain: example.com
          exposure:
            type: Gateway
            gateway: {name: public, namespace: gateways}
        """).getSpec().getExposure();
    PlanSettings defaults = PlanSettings.defaults();
    PlanSettings settings = new PlanSettings(defaults.webServerImage(), defaults.ingressClass(),
        defaults.defaultIssuer(), defaults.limits(),
        new GatewayApiSettings(true, Optional.of(gateway)));

    assertThat(SpecValidator.problems(policy.getSpec(), settings)).anySatisfy(p ->
        assertThat(p).startsWith("spec.server.ref: the operator's default exposure is a Gateway"));
    assertThat(SpecValidator.problems(policy.getSpec(), PlanSettings.defaults())).isEmpty();
  }
}
