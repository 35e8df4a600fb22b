package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.localserver.LocalCertificateAuthority;
import io.mtasts.operator.localserver.TlsSecrets;
import io.mtasts.operator.localserver.LocalDnsServer;
import io.mtasts.operator.policy.PolicyId;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.runtime.OperatorRuntime;
import io.mtasts.operator.testing.ProbeDouble;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator in its production configuration against a real API server. */
class PolicyLifecycleE2E {

  private static final String TESTING =
      "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
  private static final String ENFORCE =
      "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
  private static final String CHILD = "mta-sts-example";
  private static final List<Class<? extends HasMetadata>> KINDS =
      List.of(ConfigMap.class, Deployment.class, Service.class, Ingress.class);

  private RealCluster cluster;
  private final ProbeDouble probe = new ProbeDouble();
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
    operator = E2EOperator.start(cluster, "e2e-a", probe,
        Map.of("MTASTS_DNS_SERVERS", dns.hostAndPort()));
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
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

  private void serveCurrentConfigMap() {
    cluster.markRolledOut(CHILD);
    probe.serve(CHILD, cluster.child(ConfigMap.class, CHILD).getData().get("mta-sts.txt")
        .getBytes(StandardCharsets.US_ASCII));
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

    serveCurrentConfigMap();
    String testingId = cluster.awaitPolicy("example", p -> p.getStatus().getPolicyId() != null
        && TESTING.equals(p.getStatus().getPolicy())).getStatus().getPolicyId();

    Deployment before = cluster.child(Deployment.class, CHILD);
    MtaStsPolicy edit = cluster.get("example");
    edit.getSpec().setMode(Mode.ENFORCE);
    cluster.admin.resource(edit).update();
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

    serveCurrentConfigMap();
    MtaStsPolicy advanced = cluster.awaitPolicy("example",
        p -> enforceId.equals(p.getStatus().getPolicyId()));
    assertThat(advanced.getStatus().getDnsRecords().get(0).getValue())
        .isEqualTo("v=STSv1; id=" + enforceId);
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
    operator = E2EOperator.start(cluster, "e2e-b", probe, Map.of());
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
