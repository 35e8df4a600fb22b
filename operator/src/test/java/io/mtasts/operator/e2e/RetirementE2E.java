package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.PolicyRetirement;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.reconciler.RetirementLabel;
import io.mtasts.operator.runtime.OperatorRuntime;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retirement on a real API server with a max_age of a few seconds: deleting a policy keeps it
 * (finalizer) while mode none under a new id is served by a real nginx and advertised, then the
 * finalizer goes and the garbage collector removes the children; deleting the namespace waits
 * for the hold and then completes.
 */
class RetirementE2E {

  private static final String CHILD = "mta-sts-example";
  private static final String NONE =
      "version: STSv1\r\nmode: none\r\nmx: mail.example.com\r\nmax_age: 5\r\n";

  private RealCluster cluster;
  private final LoopbackPods pods = new LoopbackPods();
  private OperatorRuntime operator;

  @BeforeEach
  void start() throws Exception {
    cluster = RealCluster.connect("retire");
    operator = E2EOperator.start(cluster, "e2e-retire", LoopbackPods.PROBE_LOOPBACK);
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    pods.close();
    if (cluster != null) {
      cluster.close();
    }
  }

  private MtaStsPolicy example() {
    String yaml = """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: example
        spec:
          domain: example.com
          mode: testing
          mx: [mail.example.com]
          maxAge: 5
          tls: {secretName: example-tls}
        """;
    return cluster.admin.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }

  /** A testing policy served by nginx, advertised, and carrying the retirement finalizer. */
  private String createServed() {
    cluster.create(example());
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    pods.serveCurrentConfigMap(cluster, CHILD);
    return cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().getPolicyId() != null
        && p.hasFinalizer(RetirementLabel.FINALIZER)).getStatus().getPolicyId();
  }

  @Test
  void deletingRetiresWithModeNoneThenTheChildrenAreCollected() throws Exception {
    String testingId = createServed();

    cluster.admin.resource(cluster.get("example")).delete();
    cluster.awaitChild(ConfigMap.class, CHILD, c -> NONE.equals(c.getData().get("mta-sts.txt")));
    MtaStsPolicy deleting = cluster.get("example");
    assertThat(deleting.isMarkedForDeletion()).isTrue();
    assertThat(deleting.hasFinalizer(RetirementLabel.FINALIZER)).isTrue();

    pods.serveCurrentConfigMap(cluster, CHILD);
    MtaStsPolicy holding = cluster.awaitPolicy("example", p -> p.getStatus().getRetirement() != null
        && p.getStatus().getRetirement().getSafeToDeleteAfter() != null);
    PolicyRetirement retirement = holding.getStatus().getRetirement();
    // the operator's probe found exactly these bytes at the nginx before advertising their id
    assertThat(holding.getStatus().getPolicy()).isEqualTo(NONE);
    // and so does a client of its own, as a sender would
    assertThat(fetchServed(pods.pod(cluster, CHILD))).isEqualTo(NONE);
    assertThat(holding.getStatus().getPolicyId()).isEqualTo(retirement.getPolicyId())
        .isNotEqualTo(testingId);
    assertThat(holding.getStatus().getDnsRecords().get(0).getValue())
        .isEqualTo("v=STSv1; id=" + retirement.getPolicyId());
    assertThat(holding.getStatus().condition(ConditionTypes.RETIRING)).hasValueSatisfying(c ->
        assertThat(c.getReason()).isEqualTo(ConditionReasons.HOLDING_MODE_NONE));
    assertThat(retirement.getHoldSeconds()).isEqualTo(5);

    await().atMost(RealCluster.TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.get("example") == null);
    assertThat(Instant.now()).isAfterOrEqualTo(Instant.parse(retirement.getSafeToDeleteAfter()));
    // the garbage collector of kube-controller-manager follows the owner references
    await().atMost(RealCluster.TIMEOUT).pollInterval(Duration.ofMillis(500))
        .until(() -> cluster.child(ConfigMap.class, CHILD) == null
            && cluster.child(Deployment.class, CHILD) == null
            && cluster.child(Service.class, CHILD) == null);
  }

  @Test
  void deletingTheNamespaceCompletesAfterTheHold() {
    createServed();
    Instant deletedAt = Instant.now();

    cluster.admin.namespaces().withName(cluster.namespace).delete();
    MtaStsPolicy held = cluster.awaitPolicy("example", p -> p.isMarkedForDeletion()
        && p.getStatus().getRetirement() != null
        && p.getStatus().getRetirement().getSafeToDeleteAfter() != null);
    assertThat(held.getStatus().getRetirement().getHoldSeconds()).isEqualTo(5);
    assertThat(cluster.admin.namespaces().withName(cluster.namespace).get()).isNotNull();

    await().atMost(RealCluster.TIMEOUT).pollInterval(Duration.ofMillis(500))
        .until(() -> cluster.admin.namespaces().withName(cluster.namespace).get() == null);
    assertThat(Duration.between(deletedAt, Instant.now())).isGreaterThanOrEqualTo(
        Duration.ofSeconds(4));
  }

  /** The body the nginx "pod" answers for the policy path, fetched over HTTP. */
  private static String fetchServed(LoopbackNginx nginx) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://" + nginx.address() + ":" + WebServerConfig.PORT
                + "/.well-known/mta-sts.txt")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
