package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import io.mtasts.operator.api.v1alpha1.PolicyServerRef;
import io.mtasts.operator.runtime.OperatorRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared mode on the real API server, with the production {@code serve} process as a pod would
 * run it: its own JVM on a loopback address, acting as the server's ServiceAccount (so it has
 * exactly the RBAC the operator created for the server), and an EndpointSlice pointing the
 * server's Service at it (no kubelet runs here). The operator is the suite's in-process one with
 * its real probe.
 */
class SharedServerE2E {

  private static final Duration TIMEOUT = RealCluster.TIMEOUT;
  private static final Path JAR = Path.of(System.getProperty("mtasts.repoRoot", ".."),
      "operator", "target", "mta-sts-operator.jar");
  private static final Pattern SERVING =
      Pattern.compile("serving policies of \\S+ on port (\\d+) \\(management port (\\d+)\\)");

  @TempDir Path logs;
  private RealCluster cluster;
  private String other;
  private OperatorRuntime operator;
  private Process serve;
  private int port;
  private String child;
  /** The serve process's address: the API server refuses loopback ones in an EndpointSlice. */
  private String address;
  private final Map<String, Watch> watches = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    cluster = RealCluster.connect("shared");
    other = "shared-b-" + UUID.randomUUID().toString().substring(0, 6).toLowerCase(Locale.ROOT);
    cluster.admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(other)
        .endMetadata().build()).create();
    Map<String, String> settings = new HashMap<>(LoopbackPods.PROBE_LOOPBACK);
    settings.put("MTASTS_SERVER_IMAGE", "registry.example/mta-sts-operator:e2e");
    // a deleted policy is released at once rather than held for senders' caches
    settings.put("MTASTS_RETIREMENT_MAX_HOLD", "0s");
    operator = E2EOperator.start(cluster, "e2e-shared", settings);
  }

  @AfterEach
  void stop() throws InterruptedException {
    watches.values().forEach(Watch::close);
    if (address != null) {
      LoopbackNginx.removeLoopbackAddress(address);
    }
    if (serve != null) {
      serve.destroy();
      if (!serve.waitFor(10, TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.removeNamespace(other);
      cluster.close();
    }
  }

  private String account() {
    return "system:serviceaccount:" + cluster.namespace + ":" + child;
  }

  /** A client acting as the server's ServiceAccount, as the serve process does. */
  private KubernetesClient asServer() {
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder(cluster.admin.getConfiguration())
            .withImpersonateUsername(account())
            .withImpersonateGroups("system:serviceaccounts",
                "system:serviceaccounts:" + cluster.namespace, "system:authenticated")
            .build()).build();
  }

  /** Starts the server, the serve process and the EndpointSlice that makes it the endpoint. */
  private void startSharedServer() throws Exception {
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    spec.setReplicas(1);
    // policies of both namespaces may use it (by default only the server's own namespace)
    spec.setPolicyNamespaces(List.of(cluster.namespace, other));
    MtaStsPolicyServer server = cluster.admin.resource(new MtaStsPolicyServer(cluster.namespace,
        "shared", spec)).create();
    child = io.mtasts.operator.reconciler.server.ServerChildNames.of(server);
    String rbac = io.mtasts.operator.reconciler.server.ServerChildNames.rbac(server);
    await().atMost(TIMEOUT).until(() -> cluster.admin.resources(ClusterRoleBinding.class)
        .withName(rbac).get() != null);
    Service service = cluster.awaitChild(Service.class, child, x -> true);

    assertThat(JAR).as("the jar is built by 'mvn package' before the e2e tests").isReadable();
    address = LoopbackNginx.addLoopbackAddress();
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
      port = s.getLocalPort();
    }
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:+UseSerialGC",
        "-Dkubernetes.impersonate.username=" + account(),
        "-Dkubernetes.impersonate.group=system:serviceaccounts,system:serviceaccounts:"
            + cluster.namespace + ",system:authenticated",
        "-jar", JAR.toString(), "serve", "--server=" + cluster.namespace + "/shared",
        "--address=" + address, "--port=" + port, "--management-port=0")
        .redirectErrorStream(true).redirectOutput(logs.resolve("serve.log").toFile());
    serve = builder.start();
    int management = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
      assertThat(serve.isAlive()).as("serve runs; log:%n%s", serveLog()).isTrue();
      Matcher m = SERVING.matcher(serveLog());
      return m.find() ? Integer.parseInt(m.group(2)) : 0;
    }, p -> p > 0);
    await().atMost(TIMEOUT).until(() -> httpGet(management, null, "/readyz").startsWith("200"));

    cluster.admin.resource(new EndpointSliceBuilder()
        .withNewMetadata().withName(child + "-loopback").withNamespace(cluster.namespace)
        // as the EndpointSlice controller does: the Service's labels, and its name
        .addToLabels(service.getMetadata().getLabels())
        .addToLabels("kubernetes.io/service-name", service.getMetadata().getName())
        .addToLabels("endpointslice.kubernetes.io/managed-by", "e2e.mtasts.io")
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName(service.getSpec().getPorts().get(0).getName())
        .withProtocol("TCP").withPort(port).endPort()
        .withEndpoints(new EndpointBuilder().withAddresses(address).withNewConditions()
            .withReady(true).withServing(true).withTerminating(false).endConditions().build())
        .build()).create();
  }

  private String serveLog() throws IOException {
    return Files.readString(logs.resolve("serve.log"), StandardCharsets.UTF_8);
  }

  private MtaStsPolicy policy(String namespace, String name, String domain) {
    MtaStsPolicy p = new MtaStsPolicy(namespace, name, null);
    p.setSpec(new io.mtasts.operator.api.v1alpha1.MtaStsPolicySpec());
    p.getSpec().setDomain(domain);
    p.getSpec().setMode(io.mtasts.operator.api.v1alpha1.Mode.TESTING);
    p.getSpec().setMx(List.of("mail." + domain));
    p.getSpec().setMaxAge(86400L);
    io.mtasts.operator.api.v1alpha1.ServerSpec server =
        new io.mtasts.operator.api.v1alpha1.ServerSpec();
    server.setRef(new PolicyServerRef("shared", cluster.namespace));
    p.getSpec().setServer(server);
    return p;
  }

  /** What the server answered at each moment the operator advertised a new id. */
  private final Map<String, String> servedAtAdvertise = new ConcurrentHashMap<>();

  /**
   * Watches a policy; whenever its advertised id changes, asks the serve process for the
   * policy's host at once and records the answer under that id.
   */
  private void watchAdvertisements(String namespace, String name) {
    watches.put(namespace + "/" + name, cluster.admin.resources(MtaStsPolicy.class)
        .inNamespace(namespace).withName(name).watch(new Watcher<>() {
          private String last;

          @Override
          public void eventReceived(Action action, MtaStsPolicy p) {
            String id = p.getStatus() == null ? null : p.getStatus().getPolicyId();
            if (id != null && !id.equals(last)) {
              last = id;
              servedAtAdvertise.put(namespace + "/" + name + "@" + id,
                  fetch("mta-sts." + p.getSpec().getDomain()));
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        }));
  }

  private String fetch(String host) {
    try {
      return httpGet(port, host, "/.well-known/mta-sts.txt");
    } catch (IOException e) {
      return "unreachable: " + e.getMessage();
    }
  }

  /** Status code, a blank line and the body, for one HTTP/1.1 GET to the serve process. */
  private String httpGet(int port, String host, String path) throws IOException {
    try (Socket s = new Socket(address, port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: "
          + (host == null ? address : host) + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String status = response.substring(9, 12);
      int body = response.indexOf("\r\n\r\n");
      return status + "\n\n" + (body < 0 ? "" : response.substring(body + 4));
    }
  }

  private MtaStsPolicy awaitAdvertised(String namespace, String name,
      java.util.function.Predicate<MtaStsPolicy> also) {
    return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.admin.resources(MtaStsPolicy.class).inNamespace(namespace)
            .withName(name).get(), p -> p != null && p.getStatus() != null
            && p.getStatus().getPolicyId() != null && p.getStatus().getShared() != null
            && p.getStatus().getPolicyId().equals(p.getStatus().getShared().getPolicyId())
            && also.test(p));
  }

  private void assertServedWhenAdvertised(MtaStsPolicy p) {
    String key = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName() + "@"
        + p.getStatus().getPolicyId();
    String answer = await().atMost(TIMEOUT).until(() -> servedAtAdvertise.get(key),
        a -> a != null);
    assertThat(answer).as("the server's answer when %s was advertised", key)
        .isEqualTo("200\n\n" + p.getStatus().getShared().getPolicy());
  }

  @Test
  void oneServerServesPoliciesOfTwoNamespacesAndAdvertisesOnlyWhatItServes() throws Exception {
    startSharedServer();
    watchAdvertisements(cluster.namespace, "alpha");
    watchAdvertisements(other, "beta");
    cluster.admin.resource(policy(cluster.namespace, "alpha", "alpha.example")).create();
    cluster.admin.resource(policy(other, "beta", "beta.example")).create();

    MtaStsPolicy alpha = awaitAdvertised(cluster.namespace, "alpha", p -> true);
    MtaStsPolicy beta = awaitAdvertised(other, "beta", p -> true);
    assertServedWhenAdvertised(alpha);
    assertServedWhenAdvertised(beta);
    assertThat(alpha.getStatus().getShared().getPolicy()).contains("mode: testing",
        "mx: mail.alpha.example");
    assertThat(fetch("MTA-STS.Beta.Example:443")).as("host matched without case and port")
        .isEqualTo("200\n\n" + beta.getStatus().getShared().getPolicy());
    assertThat(fetch("mta-sts.unknown.example")).startsWith("404");

    // an update: while the server is stopped (SIGSTOP) the new id must not be advertised;
    // once it runs again and serves the new bytes, it is
    String oldId = alpha.getStatus().getPolicyId();
    new ProcessBuilder("kill", "-STOP", Long.toString(serve.pid())).start().waitFor();
    try {
      // a second MX host (testing mode: the MX guard, which holds enforce, plays no part)
      cluster.update("alpha", p -> p.getSpec().setMx(List.of("mail.alpha.example",
          "mail2.alpha.example")));
      await().atMost(TIMEOUT).until(() -> {
        MtaStsPolicy p = cluster.get("alpha");
        return p.getStatus().getShared() != null
            && p.getStatus().getShared().getPolicy().contains("mx: mail2.alpha.example");
      });
      Thread.sleep(5000);
      assertThat(cluster.get("alpha").getStatus().getPolicyId())
          .as("not advertised while the only endpoint cannot serve the new bytes")
          .isEqualTo(oldId);
    } finally {
      new ProcessBuilder("kill", "-CONT", Long.toString(serve.pid())).start().waitFor();
    }
    MtaStsPolicy updated = awaitAdvertised(cluster.namespace, "alpha",
        p -> !p.getStatus().getPolicyId().equals(oldId));
    assertServedWhenAdvertised(updated);
    assertThat(updated.getStatus().getShared().getPolicy()).contains("mx: mail2.alpha.example");

    // cleanup: a deleted policy is no longer served, the other one still is
    cluster.admin.resources(MtaStsPolicy.class).inNamespace(other).withName("beta").delete();
    await().atMost(TIMEOUT).until(() -> fetch("mta-sts.beta.example").startsWith("404"));
    assertThat(fetch("mta-sts.alpha.example")).startsWith("200")
        .contains("mx: mail2.alpha.example");
    assertThat(serve.isAlive()).as("serve runs; log:%n%s", serveLog()).isTrue();
  }

  @Test
  void theServersAccountIsRefusedEverythingButReadingPolicies() throws Exception {
    cluster.admin.resource(policy(other, "gamma", "gamma.example")).create();
    // ready means the first list of every namespace's policies succeeded with this account
    startSharedServer();

    try (KubernetesClient server = asServer()) {
      assertThat(server.resources(MtaStsPolicy.class).inNamespace(other).withName("gamma").get())
          .isNotNull();
      assertForbidden(() -> server.secrets().inNamespace(cluster.namespace).list());
      assertForbidden(() -> server.secrets().inAnyNamespace().list());
      assertForbidden(() -> server.configMaps().inAnyNamespace().list());
      assertForbidden(() -> server.configMaps().inNamespace(other).list());
      assertForbidden(() -> server.resources(MtaStsPolicy.class).inNamespace(other)
          .resource(policy(other, "delta", "delta.example")).create());
      assertForbidden(() -> server.resources(MtaStsPolicy.class).inNamespace(other)
          .withName("gamma").edit(p -> {
            p.getSpec().setMaxAge(1L);
            return p;
          }));
      assertForbidden(() -> server.resources(MtaStsPolicy.class).inNamespace(other)
          .withName("gamma").editStatus(p -> {
            p.getStatus().setPolicyId("forged");
            return p;
          }));
      assertForbidden(() -> server.resources(MtaStsPolicy.class).inNamespace(other)
          .withName("gamma").delete());
      assertForbidden(() -> server.resources(MtaStsPolicyServer.class).inAnyNamespace().list());
      assertForbidden(() -> server.services().inNamespace(cluster.namespace).list());
    }
    assertThat(serveLog()).as("serve needed nothing it was refused")
        .doesNotContain("Forbidden", "403");
  }

  private static void assertForbidden(Runnable call) {
    assertThatThrownBy(call::run).isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }
}
