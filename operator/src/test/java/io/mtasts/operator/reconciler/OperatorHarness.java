package io.mtasts.operator.reconciler;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.fabric8.kubernetes.api.model.Secret;
import io.mtasts.operator.localserver.LocalApiServer;
import io.mtasts.operator.localserver.LocalCertificateAuthority;
import io.mtasts.operator.localserver.TlsSecrets;
import io.mtasts.operator.localserver.LocalDnsServer;
import io.mtasts.operator.localserver.RolloutStandIn;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.runtime.OperatorConfig;
import io.mtasts.operator.runtime.OperatorRuntime;
import io.mtasts.operator.testing.ProbeDouble;
import io.mtasts.operator.testing.VerifierDouble;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A running operator against the local API server, with the probe replaced by a double and
 * helpers that play the parts of the missing cluster components (the Deployment controller and
 * kubelet marking a rollout complete).
 */
final class OperatorHarness implements AutoCloseable {

  static final String NAMESPACE = "mail";
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  final LocalApiServer api = new LocalApiServer();
  final KubernetesClient client = api.newClient();
  final ProbeDouble probe = new ProbeDouble();
  final VerifierDouble verifier = new VerifierDouble();
  /** The DNS the MX guard asks; tests publish the MX records of their domains here. */
  final LocalDnsServer dns = LocalDnsServer.start();
  private final Map<String, String> settings = new HashMap<>();
  private boolean tlsSecrets = true;
  private LocalCertificateAuthority ca;
  private OperatorRuntime runtime;
  private Clock clock = Clock.systemUTC();
  private DomainVerifier live;

  OperatorHarness() {
    api.installPolicyCrd(client);
    api.installCrd(client, "/META-INF/fabric8/mtastspolicyservers.mtasts.io-v1.yml");
    settings.put("MTASTS_LEADER_ELECTION", "false");
    settings.put("MTASTS_HTTP_PORT", "0");
    settings.put("MTASTS_HTTP_ADDRESS", "127.0.0.1");
    // tests verify every second
    settings.put("MTASTS_MIN_VERIFY_INTERVAL", "1s");
    settings.put("MTASTS_DNS_SERVERS", dns.hostAndPort());
  }

  OperatorHarness with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  /** The operator's clock, for instance one that stands still. */
  OperatorHarness clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** A live verifier (of in-process DNS and HTTPS servers) instead of the double. */
  OperatorHarness liveVerifier(DomainVerifier live) {
    this.live = live;
    return this;
  }

  OperatorHarness start() throws Exception {
    runtime = OperatorRuntime.builder(OperatorConfig.from(Map.of(), settings))
        .client(api.newClient())
        .probe(probe)
        .verifier(live != null ? live : verifier)
        .clock(clock)
        .serverSideApply(false)
        .exitOnStopLeading(false)
        .build()
        .start();
    return this;
  }

  /** Stops the operator and starts a fresh one: every resource is reconciled again. */
  void restart() throws Exception {
    runtime.close();
    start();
  }

  OperatorRuntime runtime() {
    return runtime;
  }

  void installCertManager() {
    installForeignCrd("cert-manager.io", "Certificate", "certificates", "v1");
  }

  void installExternalDns() {
    installForeignCrd("externaldns.k8s.io", "DNSEndpoint", "dnsendpoints", "v1alpha1");
  }

  /** The Gateway API CRDs of the children: HTTPRoute, ReferenceGrant and, if asked, ListenerSet. */
  void installGatewayApi(boolean listenerSets) {
    installForeignCrd("gateway.networking.k8s.io", "HTTPRoute", "httproutes", "v1");
    installForeignCrd("gateway.networking.k8s.io", "ReferenceGrant", "referencegrants", "v1beta1");
    if (listenerSets) {
      installForeignCrd("gateway.networking.k8s.io", "ListenerSet", "listenersets", "v1");
    }
  }

  private void installForeignCrd(String group, String kind, String plural, String version) {
    CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(plural + "." + group).endMetadata()
        .withNewSpec()
        .withGroup(group)
        .withScope("Namespaced")
        .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase())
        .endNames()
        .addNewVersion().withName(version).withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object")
        .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
        .endVersion()
        .endSpec()
        .build();
    client.resource(crd).create();
  }

  /**
   * Creates the resource as a user would, who creates the TLS Secret it names first (unless
   * {@link #withoutTlsSecrets()}): a Secret with a valid certificate for its policy host.
   */
  MtaStsPolicy create(MtaStsPolicy policy) {
    var tls = policy.getSpec() == null ? null : policy.getSpec().getTls();
    if (tlsSecrets && tls != null && tls.getSecretName() != null && tls.getIssuerRef() == null
        && client.secrets().inNamespace(NAMESPACE).withName(tls.getSecretName()).get() == null) {
      createTlsSecret(tls.getSecretName(), "mta-sts." + policy.getSpec().getDomain());
    }
    return client.resource(policy).inNamespace(NAMESPACE).create();
  }

  /** Leaves the Secrets that resources name to the test. */
  OperatorHarness withoutTlsSecrets() {
    tlsSecrets = false;
    return this;
  }

  /** A kubernetes.io/tls Secret with a certificate for {@code names}, valid for 90 days. */
  Secret createTlsSecret(String name, String... names) {
    return client.resource(TlsSecrets.of(NAMESPACE, name, ca().issue(names))).create();
  }

  /** The authority that issues the certificates of test Secrets. */
  LocalCertificateAuthority ca() {
    if (ca == null) {
      ca = LocalCertificateAuthority.create("operator test CA");
    }
    return ca;
  }

  /**
   * Changes a resource as a user's kubectl edit would: read, change, write, and again on a
   * conflict with the operator's status writes.
   */
  MtaStsPolicy edit(String name, java.util.function.Consumer<MtaStsPolicy> change) {
    for (int attempt = 0; ; attempt++) {
      MtaStsPolicy current = get(name);
      change.accept(current);
      try {
        return client.resource(current).update();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** As {@link #edit}, for a shared server: again on a conflict with its status writes. */
  void editServer(String namespace, String name,
      java.util.function.Consumer<io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer> change) {
    for (int attempt = 0; ; attempt++) {
      var current = client.resources(io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer.class)
          .inNamespace(namespace).withName(name).get();
      change.accept(current);
      try {
        client.resource(current).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  MtaStsPolicy get(String name) {
    return client.resources(MtaStsPolicy.class).inNamespace(NAMESPACE).withName(name).get();
  }

  MtaStsPolicy awaitPolicy(String name, Predicate<MtaStsPolicy> condition) {
    return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> get(name), p -> p != null && condition.test(p));
  }

  <T extends io.fabric8.kubernetes.api.model.HasMetadata> T child(Class<T> kind, String name) {
    return client.resources(kind).inNamespace(NAMESPACE).withName(name).get();
  }

  <T extends io.fabric8.kubernetes.api.model.HasMetadata> T awaitChild(
      Class<T> kind, String name, Predicate<T> condition) {
    return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> child(kind, name), c -> c != null && condition.test(c));
  }

  /**
   * Plays the Deployment controller and kubelet: the current pod template is rolled out, and
   * the pods serve what the ConfigMap holds.
   */
  void completeRollout(String childName) {
    ConfigMap cm = child(ConfigMap.class, childName);
    probe.serve(childName,
        cm.getData().get(WebServerConfig.POLICY_KEY).getBytes(StandardCharsets.US_ASCII));
    publishEndpoints(childName, "10.244.0.10", "10.244.0.11");
    markRolledOut(childName);
  }

  /**
   * Plays the EndpointSlice controller: the Service's pods at {@code addresses} are ready (none
   * given: no pod is).
   */
  void publishEndpoints(String childName, String... addresses) {
    RolloutStandIn.publishEndpoints(client, awaitChild(Service.class, childName, x -> true),
        awaitChild(Deployment.class, childName, x -> true), List.of(addresses));
  }

  /** Only the Deployment's status: the pods may still serve something else. */
  void markRolledOut(String childName) {
    RolloutStandIn.markRolledOut(client, awaitChild(Deployment.class, childName, x -> true));
  }

  @Override
  public void close() {
    if (runtime != null) {
      runtime.close();
    }
    client.close();
    api.close();
    dns.close();
  }
}
