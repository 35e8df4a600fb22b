package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import io.mtasts.operator.testing.Policies;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Given a policy in namespace mail served by the shared server "shared" in namespace hosting:
 * its Ingress and Certificate are in hosting, its Certificate waits for DNS, objects of others
 * are left alone, and nothing of it stays behind once it is gone.
 */
class SharedHostTest {

  static final String HOSTING = "hosting";
  static final String HOST_NAME = "mta-sts.mail.example";

  private final OperatorHarness cluster = new OperatorHarness();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static MtaStsPolicy policy() {
    return Policies.fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: example
        spec:
          domain: example.com
          mode: testing
          mx: ["mail.example.com"]
          maxAge: 604800
          server:
            ref: {name: shared, namespace: hosting}
          tls:
            issuerRef: {name: letsencrypt, kind: ClusterIssuer}
        """);
  }

  private void createServer() {
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    // the policies of these tests live in other namespaces than the server
    spec.setPolicyNamespaces(java.util.List.of("*"));
    cluster.client.resource(new MtaStsPolicyServer(HOSTING, "shared", spec)).create();
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T inHosting(Class<T> kind,
      String name) {
    return cluster.client.resources(kind).inNamespace(HOSTING).withName(name).get();
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T awaitInHosting(
      Class<T> kind, String name) {
    return await().atMost(OperatorHarness.TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> inHosting(kind, name), o -> o != null);
  }

  private void awaitGone(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind,
      String name) {
    await().atMost(OperatorHarness.TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> inHosting(kind, name) == null);
  }

  private static boolean condition(MtaStsPolicy p, String type, String status, String reason) {
    return p.getStatus() != null && p.getStatus().condition(type)
        .filter(c -> c.getStatus().equals(status) && c.getReason().equals(reason)).isPresent();
  }

  /**
   * A change of the server's spec: it reconciles, and sweeps, at once. Read, change, write, and
   * again when the operator's status write came in between.
   */
  private void touchServer(int replicas) {
    cluster.editServer(HOSTING, "shared", s -> s.getSpec().setReplicas(replicas));
  }

  @Test
  void theIngressIsInTheServersNamespaceAndTheCertificateWaitsUntilTheHostResolves()
      throws Exception {
    cluster.installCertManager();
    cluster.start();
    createServer();
    MtaStsPolicy created = cluster.create(policy());

    Ingress ingress = awaitInHosting(Ingress.class, HOST_NAME);
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("mta-sts.example.com");
    assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend()
        .getService().getName()).isEqualTo("mta-sts-server-shared");
    assertThat(ingress.getMetadata().getLabels()).containsAllEntriesOf(Map.of(
        "mtasts.io/policy-namespace", OperatorHarness.NAMESPACE,
        "mtasts.io/policy-name", "example",
        "mtasts.io/policy-uid", created.getMetadata().getUid(),
        "mtasts.io/server", "shared"));
    MtaStsPolicy waiting = cluster.awaitPolicy("example", p -> condition(p,
        ConditionTypes.CERTIFICATE_READY, "False", ConditionReasons.WAITING_FOR_DNS));
    assertThat(waiting.getStatus().condition(ConditionTypes.CERTIFICATE_READY).orElseThrow()
        .getMessage()).contains("mta-sts.example.com", "CNAME");
    assertThat(inHosting(Certificate.class, HOST_NAME)).isNull();
    // nothing of the host in the policy's own namespace
    assertThat(cluster.client.network().v1().ingresses().inNamespace(OperatorHarness.NAMESPACE)
        .list().getItems()).isEmpty();

    cluster.dns.addCname("mta-sts.example.com", "ingress.provider.example")
        .addAddress("ingress.provider.example", "192.0.2.10");
    // the next look at DNS comes within a minute; a fresh operator looks at once
    cluster.restart();

    Certificate certificate = awaitInHosting(Certificate.class, HOST_NAME);
    assertThat(certificate.getSpec().getDnsNames()).containsExactly("mta-sts.example.com");
    assertThat(certificate.getSpec().getSecretName()).isEqualTo(HOST_NAME + "-tls");
    cluster.awaitPolicy("example", p -> condition(p, ConditionTypes.CERTIFICATE_READY, "False",
        ConditionReasons.ISSUING));
  }

  @Test
  void anIngressOfSomeoneElseAtTheNameIsAConflictAndLeftAlone() throws Exception {
    cluster.start();
    createServer();
    Ingress foreign = cluster.client.resource(new IngressBuilder()
        .withNewMetadata().withName(HOST_NAME).withNamespace(HOSTING).endMetadata()
        .withNewSpec().addNewRule().withHost("other.example.org").endRule().endSpec()
        .build()).create();

    cluster.create(policy());

    MtaStsPolicy refused = cluster.awaitPolicy("example", p -> condition(p,
        ConditionTypes.READY, "False", ConditionReasons.CONFLICT));
    assertThat(refused.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("Ingress hosting/" + HOST_NAME + " already exists");
    Ingress after = inHosting(Ingress.class, HOST_NAME);
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(foreign.getMetadata().getResourceVersion());
    assertThat(after.getSpec().getRules().get(0).getHost()).isEqualTo("other.example.org");
  }

  @Test
  void theSweepRemovesHostsOfDeletedAndMovedPoliciesButNotOthersObjects() throws Exception {
    cluster.start();
    createServer();
    cluster.create(policy());
    awaitInHosting(Ingress.class, HOST_NAME);
    // an object labelled as a host of a policy that does not exist (any more)
    Ingress stray = new io.mtasts.operator.plan.SharedHost(HOSTING, "shared",
        "mta-sts.mail.gone", "mta-sts.mail.gone-tls").ingress(
            io.mtasts.operator.plan.PolicyPlan.of(withUid(policy(), "gone",
                "00000000-0000-0000-0000-000000000000"),
                io.mtasts.operator.plan.PlanSettings.defaults()), "mta-sts-server-shared", 80);
    cluster.client.resource(stray).create();
    Ingress unlabelled = cluster.client.resource(new IngressBuilder()
        .withNewMetadata().withName("mta-sts.mail.unrelated").withNamespace(HOSTING)
        .withLabels(Map.of("mtasts.io/server", "shared")).endMetadata()
        .withNewSpec().endSpec().build()).create();

    touchServer(2);

    awaitGone(Ingress.class, "mta-sts.mail.gone");
    assertThat(inHosting(Ingress.class, HOST_NAME)).as("the live policy's host").isNotNull();
    assertThat(inHosting(Ingress.class, unlabelled.getMetadata().getName())).isNotNull();

    // back to its own web server: the shared host goes, the dedicated Ingress comes
    cluster.edit("example", p -> p.getSpec().setServer(null));
    cluster.awaitChild(Ingress.class, "mta-sts-example", i -> true);
    touchServer(3);
    awaitGone(Ingress.class, HOST_NAME);

    // a deleted policy without retirement: the next sweep removes its host
    cluster.edit("example", p -> p.getSpec().setServer(policy().getSpec().getServer()));
    awaitInHosting(Ingress.class, HOST_NAME);
    cluster.client.resources(MtaStsPolicy.class).inNamespace(OperatorHarness.NAMESPACE)
        .withName("example").delete();
    await().atMost(OperatorHarness.TIMEOUT).until(() -> cluster.get("example") == null);
    touchServer(2);
    awaitGone(Ingress.class, HOST_NAME);
  }

  @Test
  void retiringThePolicyRemovesItsHostWithoutWaitingForTheSweep() throws Exception {
    cluster.start();
    createServer();
    MtaStsPolicy retiring = policy();
    // marked as one that protected mail, with its retirement cut short at deletion
    retiring.getMetadata().setLabels(Map.of(RetirementLabel.KEY, RetirementLabel.VALUE));
    retiring.getMetadata().setAnnotations(Map.of(RetireAnnotation.KEY,
        RetireAnnotation.IMMEDIATE));
    cluster.create(retiring);
    awaitInHosting(Ingress.class, HOST_NAME);
    cluster.awaitPolicy("example", p -> p.getMetadata().getFinalizers() != null
        && p.getMetadata().getFinalizers().contains(RetirementLabel.FINALIZER));

    cluster.client.resources(MtaStsPolicy.class).inNamespace(OperatorHarness.NAMESPACE)
        .withName("example").delete();

    awaitGone(Ingress.class, HOST_NAME);
    await().atMost(OperatorHarness.TIMEOUT).until(() -> cluster.get("example") == null);
  }

  @Test
  void aNamedSecretIsLookedForBesideTheIngressInTheServersNamespace() throws Exception {
    cluster.withoutTlsSecrets().start();
    createServer();
    MtaStsPolicy named = policy();
    named.getSpec().getTls().setIssuerRef(null);
    named.getSpec().getTls().setSecretName("example-tls");
    // in the policy's namespace: not where the Ingress can use it
    cluster.createTlsSecret("example-tls", "mta-sts.example.com");

    cluster.create(named);

    Ingress ingress = awaitInHosting(Ingress.class, HOST_NAME);
    assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("example-tls");
    MtaStsPolicy missing = cluster.awaitPolicy("example", p -> condition(p,
        ConditionTypes.CERTIFICATE_READY, "False", ConditionReasons.SECRET_NOT_FOUND));
    assertThat(missing.getStatus().condition(ConditionTypes.CERTIFICATE_READY).orElseThrow()
        .getMessage()).contains(HOSTING);
    assertThat(missing.getStatus().getCertificate().getSecretName())
        .isEqualTo(HOSTING + "/example-tls");
  }

  @Test
  void withoutTheServerNoHostIsMadeAndTheConditionSaysWhichServerIsMissing() throws Exception {
    cluster.start();
    cluster.create(policy());

    MtaStsPolicy waiting = cluster.awaitPolicy("example", p -> condition(p,
        ConditionTypes.READY, "False", ConditionReasons.SERVER_NOT_FOUND));
    assertThat(waiting.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("MtaStsPolicyServer hosting/shared, which does not exist");
    assertThat(inHosting(Ingress.class, HOST_NAME)).isNull();
  }

  private static MtaStsPolicy withUid(MtaStsPolicy policy, String name, String uid) {
    policy.getMetadata().setName(name);
    policy.getMetadata().setNamespace(OperatorHarness.NAMESPACE);
    policy.getMetadata().setUid(uid);
    return policy;
  }
}
