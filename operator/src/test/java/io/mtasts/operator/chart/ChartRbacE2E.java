package io.mtasts.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicySpec;
import io.mtasts.operator.api.v1alpha1.TlsSpec;
import io.mtasts.operator.localserver.LocalCertificateAuthority;
import io.mtasts.operator.localserver.TlsSecrets;
import io.mtasts.operator.runtime.OperatorConfig;
import io.mtasts.operator.runtime.OperatorRuntime;
import io.mtasts.operator.testing.RequiredComponent;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC, applied to a real API server, is enough for the operator and no more: the
 * operator runs impersonating the chart's ServiceAccount, in both RBAC modes.
 */
class ChartRbacE2E {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private KubernetesClient admin;
  private final List<HasMetadata> applied = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();
  private OperatorRuntime operator;

  @BeforeEach
  void connect() {
    String kubeconfig = System.getenv("KUBECONFIG");
    RequiredComponent.require(kubeconfig != null && Files.isReadable(Path.of(kubeconfig)),
        "a Kubernetes API server (KUBECONFIG; run e2e/run.sh)");
    admin = new KubernetesClientBuilder().build();
    installCrd();
    ensureNamespace(OperatorChart.NAMESPACE);
  }

  @AfterEach
  void cleanUp() {
    if (operator != null) {
      operator.close();
    }
    if (admin == null) {
      return;
    }
    for (HasMetadata object : applied) {
      admin.resource(object).delete();
    }
    namespaces.forEach(ns -> admin.namespaces().withName(ns).delete());
    admin.close();
  }

  private void installCrd() {
    for (String file : List.of("mtastspolicies.mtasts.io-v1.yml",
        "mtastspolicyservers.mtasts.io-v1.yml")) {
      Path crd = Path.of(System.getProperty("mtasts.repoRoot", ".."), "crds", file);
      try (InputStream in = Files.newInputStream(crd)) {
        HasMetadata def = admin.getKubernetesSerialization().unmarshal(in,
            io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
        admin.resource(def).forceConflicts().serverSideApply();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private String ensureNamespace(String name) {
    if (admin.namespaces().withName(name).get() == null) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
          .endMetadata().build()).create();
    }
    return name;
  }

  private String newNamespace(String prefix) {
    String ns = prefix + "-" + UUID.randomUUID().toString().substring(0, 6).toLowerCase(Locale.ROOT);
    namespaces.add(ensureNamespace(ns));
    return ns;
  }

  /** Applies the chart's ServiceAccount and RBAC objects; returns the ServiceAccount's name. */
  private String applyRbac(RenderedChart chart) {
    List<Class<? extends HasMetadata>> kinds = List.of(ServiceAccount.class, ClusterRole.class,
        ClusterRoleBinding.class, Role.class, RoleBinding.class);
    for (var kind : kinds) {
      for (HasMetadata object : chart.all(kind)) {
        if (object.getMetadata().getNamespace() == null && !(object instanceof ClusterRole)
            && !(object instanceof ClusterRoleBinding)) {
          object.getMetadata().setNamespace(OperatorChart.NAMESPACE);
        }
        applied.add(admin.resource(object).forceConflicts().serverSideApply());
      }
    }
    return chart.one(ServiceAccount.class).getMetadata().getName();
  }

  private Config impersonating(String serviceAccount) {
    String ns = OperatorChart.NAMESPACE;
    return new ConfigBuilder(admin.getConfiguration())
        .withImpersonateUsername("system:serviceaccount:" + ns + ":" + serviceAccount)
        .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + ns,
            "system:authenticated")
        .build();
  }

  private OperatorRuntime startAs(Config config, Map<String, String> settings) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(Map.of(
        "MTASTS_HTTP_PORT", "0",
        "MTASTS_HTTP_ADDRESS", "127.0.0.1",
        "MTASTS_LEASE_NAME", "mta-sts-operator"));
    all.putAll(settings);
    return OperatorRuntime.builder(OperatorConfig.from(
            Map.of("POD_NAME", "rbac-e2e", "POD_NAMESPACE", OperatorChart.NAMESPACE), all))
        .client(new KubernetesClientBuilder().withConfig(config)
            .withKubernetesSerialization(OperatorRuntime.readingSerialization()).build())
        .verifier(new io.mtasts.operator.testing.VerifierDouble())
        .exitOnStopLeading(false)
        .build()
        .start();
  }

  private void createPolicy(String namespace) {
    MtaStsPolicySpec spec = new MtaStsPolicySpec();
    // one domain per namespace: a policy of an earlier test, still in a namespace being
    // deleted, would own a shared domain
    spec.setDomain(namespace + ".rbac.example");
    spec.setMx(List.of("mail.rbac.example"));
    admin.resource(new MtaStsPolicy(namespace, "rbac", spec)).create();
  }

  private void awaitReconciled(String namespace) {
    await().atMost(TIMEOUT).until(() ->
        admin.configMaps().inNamespace(namespace).withName("mta-sts-rbac").get() != null);
    await().atMost(TIMEOUT).until(() -> {
      MtaStsPolicy p = admin.resources(MtaStsPolicy.class).inNamespace(namespace)
          .withName("rbac").get();
      return p.getStatus() != null && p.getStatus().getConditions() != null;
    });
  }

  @Test
  void theDefaultClusterRoleLetsTheOperatorReconcileAnyNamespace() throws Exception {
    String sa = applyRbac(OperatorChart.render());
    String workload = newNamespace("rbac-cluster");
    operator = startAs(impersonating(sa), Map.of());
    await().atMost(TIMEOUT).until(operator::isLeading);

    createPolicy(workload);
    awaitReconciled(workload);
  }

  @Test
  void namespacedRolesAreEnoughForTheWatchedNamespaceAndDenyTheOthers() throws Exception {
    String watched = newNamespace("rbac-watched");
    String other = newNamespace("rbac-other");
    String sa = applyRbac(OperatorChart.render("watchNamespaces[0]=" + watched));
    Config asOperator = impersonating(sa);
    operator = startAs(asOperator, Map.of("MTASTS_WATCH_NAMESPACES", watched));
    await().atMost(TIMEOUT).until(operator::isLeading);

    createPolicy(watched);
    awaitReconciled(watched);

    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(asOperator).build()) {
      assertThatThrownBy(() -> client.configMaps().inNamespace(other).list())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
      assertThatThrownBy(() -> client.resources(MtaStsPolicy.class).inAnyNamespace().list())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
      assertThatThrownBy(() -> client.resources(ConfigMap.class).inNamespace(watched)
          .withName("mta-sts-rbac").delete())
          .as("the operator never deletes its core children")
          .isInstanceOf(KubernetesClientException.class);
    }
  }

  @Test
  void theSecretAPolicyNamesIsReadWithGetAloneAndNoSecretCanBeListed() throws Exception {
    String sa = applyRbac(OperatorChart.render());
    String workload = newNamespace("rbac-secret");
    admin.resource(TlsSecrets.of(workload, "rbac-tls",
        LocalCertificateAuthority.create().issue("mta-sts.rbac.example"))).create();
    Config asOperator = impersonating(sa);
    operator = startAs(asOperator, Map.of());
    await().atMost(TIMEOUT).until(operator::isLeading);

    MtaStsPolicySpec spec = new MtaStsPolicySpec();
    spec.setDomain("rbac.example");
    spec.setMx(List.of("mail.rbac.example"));
    TlsSpec tls = new TlsSpec();
    tls.setSecretName("rbac-tls");
    spec.setTls(tls);
    admin.resource(new MtaStsPolicy(workload, "rbac", spec)).create();

    await().atMost(TIMEOUT).until(() -> {
      MtaStsPolicy p = admin.resources(MtaStsPolicy.class).inNamespace(workload)
          .withName("rbac").get();
      return p.getStatus() != null && p.getStatus().condition(ConditionTypes.CERTIFICATE_READY)
          .map(c -> c.getReason().equals(ConditionReasons.EXISTING_SECRET)
              && c.getStatus().equals("True")).orElse(false);
    });
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(asOperator).build()) {
      assertThatThrownBy(() -> client.secrets().inNamespace(workload).list())
          .as("get by name only: no Secret is read that no policy names")
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
  }

  private void awaitSharedServer(String namespace, Class<? extends HasMetadata> binding,
      String bindingNamespace) {
    String rbac = "mta-sts-server." + namespace + ".shared";
    await().atMost(TIMEOUT).until(() -> admin.apps().deployments().inNamespace(namespace)
        .withName("mta-sts-server-shared").get() != null);
    await().atMost(TIMEOUT).until(() -> (bindingNamespace == null
        ? admin.resources(binding).withName(rbac).get()
        : admin.resources(binding).inNamespace(bindingNamespace).withName(rbac).get()) != null);
  }

  @Test
  void theChartsClusterRoleLetsTheOperatorGrantASharedServerReadsEverywhere() throws Exception {
    String sa = applyRbac(OperatorChart.render());
    String workload = newNamespace("rbac-server");
    operator = startAs(impersonating(sa), Map.of());
    await().atMost(TIMEOUT).until(operator::isLeading);

    // the API server refuses a ClusterRole its creator could not use itself
    admin.resource(new io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer(workload, "shared",
        new io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec())).create();
    awaitSharedServer(workload, ClusterRoleBinding.class, null);

    admin.resources(io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer.class)
        .inNamespace(workload).withName("shared").delete();
    await().atMost(TIMEOUT).until(() -> admin.resources(ClusterRole.class)
        .withName("mta-sts-server." + workload + ".shared").get() == null);
  }

  @Test
  void namespacedRolesLetTheOperatorGrantASharedServerReadsInTheWatchedNamespace()
      throws Exception {
    String watched = newNamespace("rbac-server-ns");
    String sa = applyRbac(OperatorChart.render("watchNamespaces[0]=" + watched));
    operator = startAs(impersonating(sa), Map.of("MTASTS_WATCH_NAMESPACES", watched));
    await().atMost(TIMEOUT).until(operator::isLeading);

    var spec = new io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec();
    spec.setNamespaces(List.of(watched));
    admin.resource(new io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer(watched, "shared",
        spec)).create();
    awaitSharedServer(watched, RoleBinding.class, watched);
  }

  @Test
  void withGatewayApiEnabledTheRolesCoverRoutesListenerSetsAndMovingFromAnIngress()
      throws Exception {
    for (String crd : List.of("httproutes", "listenersets", "referencegrants")) {
      RequiredComponent.require(admin.resources(
              io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class)
              .withName(crd + ".gateway.networking.k8s.io").get() != null,
          "the Gateway API CRDs in the cluster (e2e/control-plane.sh installs them)");
    }
    String watched = newNamespace("rbac-gateway");
    String sa = applyRbac(OperatorChart.render("watchNamespaces[0]=" + watched,
        "gatewayApi.enabled=true"));
    operator = startAs(impersonating(sa), Map.of("MTASTS_WATCH_NAMESPACES", watched,
        "MTASTS_GATEWAY_API", "true"));
    await().atMost(TIMEOUT).until(operator::isLeading);

    createPolicy(watched);
    awaitReconciled(watched);
    await().atMost(TIMEOUT).until(() -> admin.network().v1().ingresses().inNamespace(watched)
        .withName("mta-sts-rbac").get() != null);

    // to a Gateway in another namespace with a host listener: route and grant come, the
    // Ingress goes; then to a ListenerSet: the grant goes
    MtaStsPolicy policy = admin.resources(MtaStsPolicy.class).inNamespace(watched)
        .withName("rbac").get();
    policy.getSpec().setExposure(new io.mtasts.operator.api.v1alpha1.ExposureSpec(
        io.mtasts.operator.api.v1alpha1.ExposureType.GATEWAY,
        new io.mtasts.operator.api.v1alpha1.GatewayExposureSpec("public", "gateway-system",
            io.mtasts.operator.api.v1alpha1.GatewayListener.HOST_LISTENER)));
    admin.resource(policy).update();
    await().atMost(TIMEOUT).until(() -> admin.resources(
        io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class)
        .inNamespace(watched).withName("mta-sts-rbac").get() != null);
    await().atMost(TIMEOUT).until(() -> admin.network().v1().ingresses().inNamespace(watched)
        .withName("mta-sts-rbac").get() == null);

    MtaStsPolicy current = admin.resources(MtaStsPolicy.class).inNamespace(watched)
        .withName("rbac").get();
    current.getSpec().getExposure().getGateway()
        .setListener(io.mtasts.operator.api.v1alpha1.GatewayListener.LISTENER_SET);
    admin.resource(current).update();
    await().atMost(TIMEOUT).until(() -> admin.resources(
        io.mtasts.operator.api.gatewayapi.ListenerSet.class)
        .inNamespace(watched).withName("mta-sts-rbac").get() != null);
    await().atMost(TIMEOUT).until(() -> admin.resources(
        io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class)
        .inNamespace(watched).withName("mta-sts-rbac").get() == null);
    assertThat(admin.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class)
        .inNamespace(watched).withName("mta-sts-rbac").get()).isNotNull();
  }
}
