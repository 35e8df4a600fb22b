package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.DnsRecord;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.localserver.LocalApiServer.ApiRequest;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.testing.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Given a policy resource, when it is created and changed, then these objects and this status. */
class PolicyLifecycleTest {

  static final String TESTING_POLICY =
      "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
  static final String ENFORCE_POLICY =
      "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
  static final String CHILD = "mta-sts-example";

  private OperatorHarness cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new OperatorHarness().start();
    // the MX the enforce policies of these tests cover, so the MX guard lets them through
    cluster.dns.addMx("example.com", 10, "mail.example.com");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private MtaStsPolicy createServed() {
    cluster.create(Policies.basic("example", "example.com"));
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    cluster.completeRollout(CHILD);
    return cluster.awaitPolicy("example", p -> advertises(p, TESTING_POLICY));
  }

  /** Whether status advertises an id for exactly {@code policy}. */
  static boolean advertises(MtaStsPolicy p, String policy) {
    return p.getStatus() != null && p.getStatus().getPolicyId() != null
        && policy.equals(p.getStatus().getPolicy());
  }

  @Test
  void createMakesEveryChildOwnedByTheResourceAndWaitsForTheRolloutBeforeAdvertising() {
    MtaStsPolicy created = cluster.create(Policies.basic("example", "example.com"));
    String uid = created.getMetadata().getUid();

    ConfigMap cm = cluster.awaitChild(ConfigMap.class, CHILD, x -> true);
    assertThat(cm.getData().get("mta-sts.txt")).isEqualTo(TESTING_POLICY);
    assertThat(cm.getData().get("nginx.conf")).contains("location = /.well-known/mta-sts.txt");
    Deployment deployment = cluster.awaitChild(Deployment.class, CHILD, x -> true);
    Service service = cluster.awaitChild(Service.class, CHILD, x -> true);
    Ingress ingress = cluster.awaitChild(Ingress.class, CHILD, x -> true);
    for (HasMetadata child : List.of(cm, deployment, service, ingress)) {
      assertThat(child.getMetadata().getOwnerReferences())
          .as("owner of %s", child.getKind())
          .singleElement()
          .satisfies(ref -> {
            assertThat(ref.getUid()).isEqualTo(uid);
            assertThat(ref.getKind()).isEqualTo("MtaStsPolicy");
          });
      assertThat(child.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "mta-sts-operator")
          .containsEntry("app.kubernetes.io/instance", "example");
    }
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("mta-sts.example.com");
    assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("example-tls");
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var container = pod.getContainers().get(0);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getImage()).isEqualTo(PlanSettings.DEFAULT_WEB_SERVER_IMAGE);

    MtaStsPolicy rolling = cluster.awaitPolicy("example",
        p -> p.getStatus() != null && p.getStatus().condition(ConditionTypes.POLICY_SERVED)
            .map(c -> c.getReason().equals("RollingOut")).orElse(false));
    assertThat(rolling.getStatus().getPolicyId()).isNull();
    assertThat(rolling.getStatus().getDnsRecords()).isNull();
    assertThat(rolling.getStatus().condition(ConditionTypes.READY).orElseThrow().getStatus())
        .isEqualTo("False");

    cluster.completeRollout(CHILD);

    MtaStsPolicy served = cluster.awaitPolicy("example", p -> advertises(p, TESTING_POLICY));
    String testingId = served.getStatus().getPolicyId();
    assertThat(testingId).isEqualTo(served.getStatus().getRollout().getPolicyId())
        .matches("[0-9]{14}[a-z2-7]{6}");
    assertThat(served.getStatus().getPolicyUrl())
        .isEqualTo("https://mta-sts.example.com/.well-known/mta-sts.txt");
    assertThat(served.getStatus().getDnsRecords()).containsExactly(
        new DnsRecord("_mta-sts.example.com", "TXT", "v=STSv1; id=" + testingId));
    assertThat(served.getStatus().condition(ConditionTypes.READY).orElseThrow().getStatus())
        .isEqualTo("True");
    assertThat(served.getStatus().getObservedGeneration())
        .isEqualTo(served.getMetadata().getGeneration());
  }

  @Test
  void specChangeRollsThePodsButKeepsTheOldIdUntilTheNewBytesAreServed() {
    String testingId = createServed().getStatus().getPolicyId();
    String oldChecksum = cluster.child(Deployment.class, CHILD).getSpec().getTemplate()
        .getMetadata().getAnnotations().get(DesiredChildren.CHECKSUM_ANNOTATION);

    cluster.edit("example", p -> p.getSpec().setMode(Mode.ENFORCE));

    cluster.awaitChild(ConfigMap.class, CHILD,
        cm -> cm.getData().get("mta-sts.txt").equals(ENFORCE_POLICY));
    Deployment rolled = cluster.awaitChild(Deployment.class, CHILD, d -> !oldChecksum.equals(
        d.getSpec().getTemplate().getMetadata().getAnnotations()
            .get(DesiredChildren.CHECKSUM_ANNOTATION)));
    assertThat(rolled).isNotNull();
    MtaStsPolicy rolling = cluster.awaitPolicy("example",
        p -> p.getStatus().condition(ConditionTypes.POLICY_SERVED)
            .map(c -> c.getReason().equals("RollingOut")).orElse(false));
    assertThat(rolling.getStatus().getPolicyId()).isEqualTo(testingId);
    assertThat(rolling.getStatus().getPolicy()).isEqualTo(TESTING_POLICY);
    assertThat(rolling.getStatus().getDnsRecords().get(0).getValue()).endsWith(testingId);
    assertThat(rolling.getStatus().condition(ConditionTypes.POLICY_SERVED).orElseThrow()
        .getMessage()).contains("policy id " + testingId + " stays advertised");
    // the id the new bytes will be advertised under is allocated, later than the old one
    String enforceId = rolling.getStatus().getRollout().getPolicyId();
    assertThat(enforceId).isGreaterThan(testingId);

    // the pods are rolled out, but the web server still answers the old bytes
    cluster.markRolledOut(CHILD);
    cluster.probe.serve(CHILD, TESTING_POLICY.getBytes(StandardCharsets.US_ASCII));
    MtaStsPolicy stale = cluster.awaitPolicy("example",
        p -> p.getStatus().condition(ConditionTypes.POLICY_SERVED)
            .map(c -> c.getMessage().contains("does not serve policy " + enforceId))
            .orElse(false));
    assertThat(stale.getStatus().getPolicyId()).isEqualTo(testingId);

    cluster.completeRollout(CHILD);
    MtaStsPolicy advanced = cluster.awaitPolicy("example",
        p -> enforceId.equals(p.getStatus().getPolicyId()));
    assertThat(advanced.getStatus().getPolicy()).isEqualTo(ENFORCE_POLICY);
    assertThat(advanced.getStatus().getDnsRecords().get(0).getValue())
        .isEqualTo("v=STSv1; id=" + enforceId);
  }

  @Test
  void aResyncWithNothingToDoWritesNothing() throws Exception {
    createServed();
    // the first verification's result is still something to do: wait until it is written
    cluster.awaitPolicy("example", p -> p.getStatus().condition(ConditionTypes.READY)
        .map(c -> c.getStatus().equals("True")).orElse(false)
        && p.getStatus().condition(ConditionTypes.VERIFIED)
        .map(c -> c.getStatus().equals("True")).orElse(false));
    // a reconcile still running when the operator stops may finish its write (shutdown lets it);
    // only the restarted operator's writes count, so start counting once the first is quiet
    long[] writes = {-1};
    org.awaitility.Awaitility.await().atMost(OperatorHarness.TIMEOUT)
        .pollInterval(Duration.ofSeconds(1)).until(() -> {
          long now = cluster.api.writeCount();
          boolean quiet = now == writes[0];
          writes[0] = now;
          return quiet;
        });
    cluster.api.clearRequests();

    cluster.restart();
    // the restarted operator reconciles every resource once: wait until it has read them all
    org.awaitility.Awaitility.await().atMost(OperatorHarness.TIMEOUT).until(() ->
        cluster.api.requests().stream().anyMatch(r -> r.path().contains("/ingresses")
            && r.path().contains("watch=true")));
    Thread.sleep(Duration.ofSeconds(2).toMillis());

    assertThat(cluster.api.requests().stream().filter(ApiRequest::isWrite).toList())
        .as("write requests after a restart with nothing to change").isEmpty();
  }

  @Test
  void anInvalidEditKeepsEveryChildAndTheServedPolicy() {
    String testingId = createServed().getStatus().getPolicyId();
    ConfigMap before = cluster.child(ConfigMap.class, CHILD);

    // the local API server has no schema validation, like a CRD applied without it
    cluster.edit("example", p -> p.getSpec().setMx(List.of("*.*.example.com")));

    MtaStsPolicy invalid = cluster.awaitPolicy("example", p -> p.getStatus()
        .condition(ConditionTypes.READY).map(c -> c.getReason().equals("InvalidSpec"))
        .orElse(false));
    assertThat(invalid.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("spec.mx[0]")
        .contains("'*' is only allowed as the whole left-most label");
    assertThat(invalid.getStatus().getPolicyId()).isEqualTo(testingId);
    assertThat(invalid.getStatus().getPolicy()).isEqualTo(TESTING_POLICY);
    ConfigMap after = cluster.child(ConfigMap.class, CHILD);
    assertThat(after.getData()).isEqualTo(before.getData());
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
  }

  @Test
  void anObjectItDoesNotOwnIsReportedAndLeftAlone() {
    ConfigMap foreign = new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withName(CHILD).withNamespace(OperatorHarness.NAMESPACE).endMetadata()
        .addToData("owner", "someone else")
        .build();
    cluster.client.resource(foreign).create();

    cluster.create(Policies.basic("example", "example.com"));

    MtaStsPolicy conflicted = cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().condition(ConditionTypes.READY)
            .map(c -> c.getReason().equals("Conflict")).orElse(false));
    assertThat(conflicted.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("ConfigMap mail/mta-sts-example already exists and is not owned");
    assertThat(cluster.child(ConfigMap.class, CHILD).getData()).containsOnlyKeys("owner");
    assertThat(cluster.child(Deployment.class, CHILD)).isNull();
  }

  @Test
  void pausingFreezesEverythingAndRemovingTheAnnotationResumes() {
    createServed();
    cluster.edit("example", p -> {
      p.getMetadata().getAnnotations().put(MtaStsPolicyReconciler.PAUSED_ANNOTATION, "true");
      p.getSpec().setMode(Mode.ENFORCE);
    });

    cluster.awaitPolicy("example", p -> p.getStatus().condition(ConditionTypes.PAUSED)
        .map(c -> c.getStatus().equals("True")).orElse(false));
    assertThat(cluster.child(ConfigMap.class, CHILD).getData().get("mta-sts.txt"))
        .isEqualTo(TESTING_POLICY);

    cluster.edit("example", p -> {
      p.getMetadata().getAnnotations().remove(MtaStsPolicyReconciler.PAUSED_ANNOTATION);
      p.getSpec().setMaxAge(604800L);
    });

    cluster.awaitChild(ConfigMap.class, CHILD,
        cm -> cm.getData().get("mta-sts.txt").equals(ENFORCE_POLICY));
    MtaStsPolicy after = cluster.awaitPolicy("example", p -> p.getStatus()
        .condition(ConditionTypes.PAUSED).map(c -> c.getStatus().equals("False")).orElse(false));
    assertThat(after.getStatus().condition(ConditionTypes.PAUSED).orElseThrow().getReason())
        .isEqualTo("Resumed");
  }

  @Test
  void eventsAreRecordedOnTransitionsOnly() throws Exception {
    createServed();
    cluster.awaitPolicy("example", p -> p.getStatus().condition(ConditionTypes.READY)
        .map(c -> c.getStatus().equals("True")).orElse(false));
    List<Event> events = cluster.client.v1().events().inNamespace(OperatorHarness.NAMESPACE)
        .list().getItems();
    // Ready sums up PolicyServed here, so its Event would only repeat Served's
    assertThat(events).extracting(Event::getReason).contains("Served").doesNotContain("Ready");
    assertThat(events).allSatisfy(e ->
        assertThat(e.getInvolvedObject().getName()).isEqualTo("example"));
    long servedEvents = events.stream().filter(e -> e.getReason().equals("Served")).count();
    assertThat(servedEvents).isEqualTo(1);

    cluster.restart();
    Thread.sleep(Duration.ofSeconds(2).toMillis());
    assertThat(cluster.client.v1().events().inNamespace(OperatorHarness.NAMESPACE).list()
        .getItems()).hasSameSizeAs(events);
  }
}
