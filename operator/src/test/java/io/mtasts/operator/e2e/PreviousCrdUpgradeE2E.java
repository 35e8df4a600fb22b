package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.SpecConstraints;
import io.mtasts.operator.localserver.LocalCertificateAuthority;
import io.mtasts.operator.localserver.LocalDnsServer;
import io.mtasts.operator.localserver.RolloutStandIn;
import io.mtasts.operator.localserver.TlsSecrets;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.reconciler.EndpointProbe;
import io.mtasts.operator.runtime.OperatorRuntime;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The upgrade from a released CRD to this one, as the README documents it: policies created
 * under the CRD of an earlier release (a copy under {@code e2e/previous-crds/<release>/}, so the
 * test needs no Git history) survive {@code kubectl apply --server-side --force-conflicts -f
 * crds/} and are reconciled to Ready by this operator; from then on the API server refuses a
 * change of {@code spec.domain}, which the earlier CRD allowed.
 */
class PreviousCrdUpgradeE2E {

  /** Two policies as a user had them: one per mode that advertises a policy. */
  private static final Map<String, String> POLICIES = new LinkedHashMap<>(Map.of(
      "example-com", "{domain: example.com, mode: testing, mx: [mail.example.com],"
          + " tls: {secretName: example-com-tls}}",
      "example-org", "{domain: example.org, mode: enforce, mx: [mail.example.org],"
          + " tls: {secretName: example-org-tls}}"));

  private static final String PROBE = "crd-probe";

  private RealCluster cluster;
  private OperatorRuntime operator;
  private final List<LoopbackNginx> servers = new ArrayList<>();
  private final LocalDnsServer dns = LocalDnsServer.start()
      .addMx("example.com", 10, "mail.example.com")
      .addMx("example.org", 10, "mail.example.org");
  private String kubectl;

  static Stream<Path> previousReleases() throws IOException {
    Path dir = repoRoot().resolve("e2e").resolve("previous-crds");
    try (Stream<Path> releases = Files.list(dir)) {
      List<Path> found = releases.filter(Files::isDirectory).sorted().toList();
      assertThat(found).as("released CRDs in %s", dir).isNotEmpty();
      return found.stream();
    }
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    servers.forEach(LoopbackNginx::close);
    if (cluster != null) {
      // whatever happened, the next test finds this build's CRD
      RealCluster.installCrd(cluster.admin);
      cluster.close();
    }
    dns.close();
  }

  @ParameterizedTest(name = "from {0}")
  @MethodSource("previousReleases")
  void policiesCreatedUnderTheReleasedCrdReconcileToReadyAfterTheDocumentedUpgrade(Path release)
      throws Exception {
    kubectl = System.getenv("MTASTS_E2E_KUBECTL");
    if (kubectl == null || kubectl.isBlank()) {
      kubectl = "kubectl";
    }
    cluster = RealCluster.connect("upgrade");
    Path previous = release.resolve(MtaStsPolicy.CRD_NAME + "-v1.yml");
    assertThat(previous).isRegularFile();

    // tells which CRD the API server validates with: only the new one refuses a domain change
    cluster.create(policy(PROBE, "{domain: probe.example, mx: [mail.probe.example]}"));

    // the released CRD, as that release's chart left it in the cluster
    Result installed = kubectl("replace", "-f", previous.toString());
    assertThat(installed.exit()).as(installed.output()).isZero();
    await("the released CRD in force").atMost(RealCluster.TIMEOUT)
        .pollInterval(Duration.ofMillis(500)).until(() -> domainChangeRefusal() == null);
    for (var policy : POLICIES.entrySet()) {
      String domain = policy.getValue().replaceAll(".*domain: ([a-z.]+),.*", "$1");
      cluster.admin.resource(TlsSecrets.of(cluster.namespace, policy.getKey() + "-tls",
          LocalCertificateAuthority.create().issue("mta-sts." + domain))).create();
      cluster.create(policy(policy.getKey(), policy.getValue()));
    }

    // README, "Upgrading the CRD": the CRD first, then the operator
    List<String> upgrade = new ArrayList<>(CrdUpgradeE2E.UPGRADE);
    upgrade.add(repoRoot().resolve("crds").toString());
    Result upgraded = kubectl(upgrade.toArray(String[]::new));
    assertThat(upgraded.exit()).as(upgraded.output()).isZero();
    String refusal = await("the new CRD in force").atMost(RealCluster.TIMEOUT)
        .pollInterval(Duration.ofMillis(500)).until(this::domainChangeRefusal, r -> r != null);
    assertThat(refusal).contains(SpecConstraints.DOMAIN_IMMUTABLE_MESSAGE);
    cluster.admin.resources(MtaStsPolicy.class).inNamespace(cluster.namespace).withName(PROBE)
        .delete();

    operator = E2EOperator.start(cluster, "e2e-upgrade", Map.of(
        EndpointProbe.ALLOW_LOOPBACK_SETTING, "true",
        "MTASTS_DNS_SERVERS", dns.hostAndPort()));
    Map<String, LoopbackNginx> byPolicy = new LinkedHashMap<>();
    for (String name : POLICIES.keySet()) {
      LoopbackNginx nginx = LoopbackNginx.start();
      servers.add(nginx);
      byPolicy.put(name, nginx);
      serve(name, nginx);
    }
    Map<String, String> ids = new LinkedHashMap<>();
    for (String name : POLICIES.keySet()) {
      MtaStsPolicy ready = cluster.awaitPolicy(name, PreviousCrdUpgradeE2E::isReady);
      assertThat(ready.getStatus().getPolicyId()).as(name).isNotNull();
      // the spec stored under the released CRD is the one reconciled
      assertThat(ready.getMetadata().getGeneration()).as(name).isEqualTo(1L);
      ids.put(name, ready.getStatus().getPolicyId());
    }

    // edits keep reconciling under the new CRD: testing to enforce gets a new id, served first
    MtaStsPolicy edit = cluster.update("example-com", p -> p.getSpec().setMode(Mode.ENFORCE));
    String child = ChildNames.of(edit);
    cluster.awaitChild(ConfigMap.class, child,
        c -> c.getData().get("mta-sts.txt").contains("mode: enforce"));
    serve("example-com", byPolicy.get("example-com"));
    MtaStsPolicy enforced = cluster.awaitPolicy("example-com",
        p -> isReady(p) && !ids.get("example-com").equals(p.getStatus().getPolicyId()));
    assertThat(enforced.getStatus().getPolicy()).contains("mode: enforce");
    assertThat(cluster.get("example-org").getStatus().getPolicyId())
        .isEqualTo(ids.get("example-org"));
  }

  /** Plays the kubelet and the EndpointSlice controller for one policy's web server. */
  private void serve(String name, LoopbackNginx nginx) {
    String child = ChildNames.of(cluster.get(name));
    nginx.serve(cluster.awaitChild(ConfigMap.class, child, x -> true)
        .getData().get("mta-sts.txt"));
    RolloutStandIn.publishEndpoints(cluster.admin,
        cluster.awaitChild(Service.class, child, x -> true),
        cluster.awaitChild(Deployment.class, child, x -> true), List.of(nginx.address()));
    cluster.markRolledOut(child);
  }

  private static boolean isReady(MtaStsPolicy p) {
    return p.getStatus() != null && p.getStatus().condition(ConditionTypes.READY)
        .map(c -> c.getStatus().equals("True")).orElse(false);
  }

  /** The API server's answer to moving the probe to another domain (dry run), null if allowed. */
  private String domainChangeRefusal() {
    MtaStsPolicy probe = cluster.get(PROBE);
    probe.getSpec().setDomain("moved.example");
    try {
      cluster.admin.resource(probe).dryRun().update();
      return null;
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
      return e.getMessage();
    }
  }

  private MtaStsPolicy policy(String name, String spec) {
    String yaml = "apiVersion: mtasts.io/v1alpha1\nkind: MtaStsPolicy\nmetadata:\n  name: "
        + name + "\nspec: " + spec + "\n";
    return cluster.admin.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }

  private static Path repoRoot() {
    return Path.of(System.getProperty("mtasts.repoRoot", "..")).toAbsolutePath().normalize();
  }

  private record Result(int exit, String output) {}

  private Result kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(kubectl);
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }
}
