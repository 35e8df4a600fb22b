package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.localserver.LocalCertificateAuthority;
import io.mtasts.operator.localserver.TlsSecrets;
import io.mtasts.operator.localserver.LocalDnsServer;
import io.mtasts.operator.policy.PolicyId;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.runtime.OperatorRuntime;
import io.mtasts.operator.localserver.RolloutStandIn;
import io.mtasts.operator.reconciler.EndpointProbe;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator in its production configuration against a real API server, its served-policy
 * probe included: the policy web server is a real nginx with the generated configuration
 * ({@link LoopbackNginx}), and the test plays the kubelet and the EndpointSlice controller.
 */
class PolicyLifecycleE2E {

  private static final String TESTING =
      "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
  private static final String ENFORCE =
      "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
  private static final String CHILD = "mta-sts-example";
  private static final List<Class<? extends HasMetadata>> KINDS =
      List.of(ConfigMap.class, Deployment.class, Service.class, Ingress.class);

  /** The web server's address is on the loopback interface of this host. */
  private static final Map<String, String> PROBE_LOOPBACK =
      Map.of(EndpointProbe.ALLOW_LOOPBACK_SETTING, "true");

  private RealCluster cluster;
  private LoopbackNginx nginx;
  private OperatorRuntime operator;
  /** The DNS the MX guard asks before the enforce policy goes out: mail.example.com. */
  private final LocalDnsServer dns =
      LocalDnsServer.start().addMx("example.com", 10, "mail.example.com");

  @BeforeEach
  void start() throws Exception {
    cluster = RealCluster.connect("life");
    // the TLS Secret example() names, created first as a user would
    cluster.admin.resource(TlsSecrets.of(cluster.namespace, "example-tls",
        LocalCertificateAuthority.create().issue("mta-sts.example.com"))).create();
    nginx = LoopbackNginx.start();
    operator = E2EOperator.start(cluster, "e2e-a", Map.of(
        EndpointProbe.ALLOW_LOOPBACK_SETTING, "true",
        "MTASTS_DNS_SERVERS", dns.hostAndPort()));
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    if (nginx != null) {
      nginx.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    dns.close();
  }

  private MtaStsPolicy example() {
    String yaml = """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: example
        spec:
          domain: example.com
          mx: [mail.example.com]
          tls: {secretName: example-tls}
        """;
    return cluster.admin.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }

  /** Plays the kubelet: the pod serves what the ConfigMap now holds. */
  private String podsServeTheConfigMap() {
    String policy = cluster.child(ConfigMap.class, CHILD).getData().get("mta-sts.txt");
    nginx.serve(policy);
    return policy;
  }

  /** Plays the EndpointSlice controller: nginx is the Service's one ready pod. */
  private void publishEndpoint() {
    RolloutStandIn.publishEndpoints(cluster.admin,
        cluster.awaitChild(Service.class, CHILD, x -> true),
        cluster.awaitChild(Deployment.class, CHILD, x -> true), List.of(nginx.address()));
  }

  private void serveCurrentConfigMap() {
    podsServeTheConfigMap();
    publishEndpoint();
    cluster.markRolledOut(CHILD);
  }

  private Predicate<MtaStsPolicy> servedReason(String reason) {
    return p -> p.getStatus() != null && p.getStatus().condition(ConditionTypes.POLICY_SERVED)
        .map(c -> c.getReason().equals(reason)).orElse(false);
  }

  @Test
  void createsOwnedChildrenWritesStatusAndAdvertisesOnlyServedPolicies() {
    String uid = cluster.create(example()).getMetadata().getUid();
    for (var kind : KINDS) {
      HasMetadata child = cluster.awaitChild(kind, CHILD, x -> true);
      assertThat(child.getMetadata().getOwnerReferences()).as(kind.getSimpleName())
          .anySatisfy(r -> assertThat(r.getUid()).isEqualTo(uid));
    }
    MtaStsPolicy rolling = cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().condition(ConditionTypes.POLICY_SERVED).isPresent());
    assertThat(rolling.getStatus().getPolicyId()).isNull();
    // status went through the status subresource: the spec's generation is unchanged
    assertThat(rolling.getMetadata().getGeneration()).isEqualTo(1L);

    // rolled out, but no pod is ready: nothing serves the policy, so no id
    cluster.markRolledOut(CHILD);
    MtaStsPolicy noPod = cluster.awaitPolicy("example",
        servedReason(ConditionReasons.NO_SERVING_ENDPOINT));
    assertThat(noPod.getStatus().getPolicyId()).isNull();

    // the pod is ready and nginx serves the ConfigMap: the operator's probe lets the id go
    assertThat(podsServeTheConfigMap()).isEqualTo(TESTING);
    publishEndpoint();
    String testingId = cluster.awaitPolicy("example", p -> p.getStatus().getPolicyId() != null
        && TESTING.equals(p.getStatus().getPolicy())).getStatus().getPolicyId();

    Deployment before = cluster.child(Deployment.class, CHILD);
    cluster.update("example", edit -> edit.getSpec().setMode(Mode.ENFORCE));
    cluster.awaitChild(ConfigMap.class, CHILD,
        c -> c.getData().get("mta-sts.txt").equals(ENFORCE));
    Deployment after = cluster.awaitChild(Deployment.class, CHILD,
        d -> d.getMetadata().getGeneration() > before.getMetadata().getGeneration());
    // the change went through server-side apply (JOSDK's default for every kind but
    // ConfigMaps and Secrets), under the operator's field manager
    assertThat(after.getMetadata().getManagedFields())
        .anySatisfy(f -> assertThat(f.getOperation()).isEqualTo("Apply"));
    assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations()
            .get(DesiredChildren.CHECKSUM_ANNOTATION))
        .isNotEqualTo(before.getSpec().getTemplate().getMetadata().getAnnotations()
            .get(DesiredChildren.CHECKSUM_ANNOTATION));
    MtaStsPolicy rollingOut = cluster.awaitPolicy("example", p -> p.getStatus()
        .condition(ConditionTypes.POLICY_SERVED).map(c -> c.getReason().equals("RollingOut"))
        .orElse(false));
    assertThat(rollingOut.getStatus().getPolicyId()).isEqualTo(testingId);
    String enforceId = rollingOut.getStatus().getRollout().getPolicyId();
    assertThat(enforceId).isGreaterThan(testingId);

    // the rollout is reported complete while the pod still serves the old bytes
    cluster.markRolledOut(CHILD);
    MtaStsPolicy stale = cluster.awaitPolicy("example",
        servedReason(ConditionReasons.SERVED_POLICY_DIFFERS));
    assertThat(stale.getStatus().getPolicyId()).isEqualTo(testingId);
    assertThat(stale.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow()
        .getMessage()).contains(nginx.address() + ":8080 answered " + TESTING.length()
            + " bytes that are not policy");

    assertThat(podsServeTheConfigMap()).isEqualTo(ENFORCE);
    MtaStsPolicy advanced = cluster.awaitPolicy("example",
        p -> enforceId.equals(p.getStatus().getPolicyId()));
    assertThat(advanced.getStatus().getDnsRecords().get(0).getValue())
        .isEqualTo("v=STSv1; id=" + enforceId);
  }

  @Test
  void withoutTheLoopbackSettingTheProbeRefusesAnAddressOfThisHost() throws Exception {
    operator.close();
    operator = E2EOperator.start(cluster, "e2e-c", Map.of());
    await().atMost(RealCluster.TIMEOUT).until(operator::isLeading);
    cluster.create(example());
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    serveCurrentConfigMap();

    MtaStsPolicy refused = cluster.awaitPolicy("example",
        servedReason(ConditionReasons.ENDPOINT_PROBE_FAILED));
    assertThat(refused.getStatus().getPolicyId()).isNull();
    assertThat(refused.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow()
        .getMessage()).contains(nginx.address() + ":8080: not probed, " + nginx.address()
            + " is a loopback address, probed only with MTASTS_PROBE_ALLOW_LOOPBACK=true");
  }

  @Test
  void aReconcileWithNothingToDoChangesNoResourceVersion() throws Exception {
    cluster.create(example());
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    serveCurrentConfigMap();
    cluster.awaitPolicy("example", p -> p.getStatus() != null && p.getStatus()
        .condition(ConditionTypes.READY).map(c -> c.getStatus().equals("True")).orElse(false));
    Thread.sleep(2000);
    Map<String, String> versions = resourceVersions();

    operator.close();
    operator = E2EOperator.start(cluster, "e2e-b", PROBE_LOOPBACK);
    // the new instance takes the lease and reconciles everything once
    await().atMost(RealCluster.TIMEOUT).until(operator::isLeading);
    Thread.sleep(Duration.ofSeconds(5).toMillis());

    assertThat(resourceVersions()).isEqualTo(versions);
  }

  private Map<String, String> resourceVersions() {
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put("MtaStsPolicy", cluster.get("example").getMetadata().getResourceVersion());
    for (var kind : KINDS) {
      versions.put(kind.getSimpleName(),
          cluster.child(kind, CHILD).getMetadata().getResourceVersion());
    }
    return versions;
  }

  @Test
  void deletingTheResourceLetsTheGarbageCollectorRemoveTheChildren() {
    MtaStsPolicy created = cluster.create(example());
    for (var kind : KINDS) {
      cluster.awaitChild(kind, CHILD, x -> true);
    }
    cluster.admin.resource(created).delete();
    for (var kind : KINDS) {
      await(kind.getSimpleName() + " collected").atMost(RealCluster.TIMEOUT)
          .until(() -> cluster.child(kind, CHILD) == null);
    }
  }
}
