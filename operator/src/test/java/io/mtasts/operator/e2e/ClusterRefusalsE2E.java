package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.runtime.OperatorRuntime;
import io.mtasts.operator.testing.ProbeDouble;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The cluster refuses the operator's children: a ResourceQuota, a ValidatingAdmissionPolicy,
 * and a ReplicaSet that cannot create pods. Each is reported on its policy with the API server's
 * words and one Warning Event, costs a bounded number of log lines, and heals once lifted.
 *
 * <p>The three run side by side, each in its own namespace under one operator, so the minute of
 * watching the logs is spent once. The control plane runs no Deployment or ReplicaSet controller,
 * so the ReplicaSet's refusal is written into the Deployment's status the way that controller
 * reports it, as the rollout stand-in does for a finished rollout.
 */
class ClusterRefusalsE2E {

  private static final Duration WATCHED = Duration.ofSeconds(60);
  /** Refused attempts in a minute with 5s doubling: t=0, 5, 15, 35, plus child events. */
  private static final int MAX_LINES_PER_MINUTE = 10;
  private static final String REGISTRY = "registry.example.com/";

  private final LoopbackPods pods = new LoopbackPods();
  private final List<RealCluster> clusters = new ArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private OperatorRuntime operator;
  private String admissionPolicy;

  @BeforeEach
  void captureLogs() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logs.setContext(context);
    logs.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);
  }

  @AfterEach
  void stop() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
    if (operator != null) {
      operator.close();
    }
    pods.close();
    if (admissionPolicy != null && !clusters.isEmpty()) {
      var admin = clusters.get(0).admin;
      admin.admissionRegistration().v1().validatingAdmissionPolicyBindings()
          .withName(admissionPolicy).delete();
      admin.admissionRegistration().v1().validatingAdmissionPolicies()
          .withName(admissionPolicy).delete();
    }
    clusters.forEach(RealCluster::close);
  }

  @Test
  void refusalsAreReportedOnceLoggedBoundedAndHealWhenLifted() throws Exception {
    RealCluster quota = connect("quota");
    RealCluster admission = connect("admission");
    RealCluster pods = connect("pods");

    // a quota that allows no Service, computed by the quota controller before the policy comes
    quota.admin.resource(new ResourceQuotaBuilder().withNewMetadata().withName("no-services")
        .withNamespace(quota.namespace).endMetadata()
        .withNewSpec().addToHard("count/services", new Quantity("0")).endSpec().build()).create();
    await("quota status").atMost(RealCluster.TIMEOUT).until(() -> {
      ResourceQuota q = quota.child(ResourceQuota.class, "no-services");
      return q.getStatus() != null && q.getStatus().getHard() != null
          && q.getStatus().getHard().containsKey("count/services");
    });

    admissionPolicy = "mtasts-e2e-registry-" + admission.namespace;
    denyImagesOutside(admission, admissionPolicy);

    operator = E2EOperator.start(quota, "e2e-refusals", LoopbackPods.PROBE_LOOPBACK);
    Instant started = Instant.now();
    quota.create(policy("quota"));
    admission.create(policy("admission"));
    pods.create(policy("pods"));

    // the ReplicaSet's refusal, as the Deployment controller copies it onto the Deployment
    Deployment podsDeployment = pods.awaitChild(Deployment.class, "mta-sts-pods", x -> true);
    String podsMessage = "pods \"mta-sts-pods-6d4cf56db6-\" is forbidden: violates PodSecurity"
        + " \"restricted:latest\": seccompProfile (pod must set seccompProfile)";
    writeStatus(pods, podsDeployment, List.of(
        new DeploymentConditionBuilder().withType("ReplicaFailure").withStatus("True")
            .withReason("FailedCreate").withMessage(podsMessage).build()));

    MtaStsPolicy quotaRefused = awaitReason(quota, "quota", ConditionTypes.READY,
        ConditionReasons.QUOTA_EXCEEDED);
    assertThat(message(quotaRefused, ConditionTypes.READY))
        .contains("Service mta-sts-quota", "HTTP 403", "exceeded quota: no-services",
            "count/services");
    MtaStsPolicy denied = awaitReason(admission, "admission", ConditionTypes.READY,
        ConditionReasons.ADMISSION_DENIED);
    assertThat(message(denied, ConditionTypes.READY))
        .contains("Deployment mta-sts-admission", admissionPolicy,
            "images must come from " + REGISTRY);
    MtaStsPolicy notCreated = awaitReason(pods, "pods", ConditionTypes.POLICY_SERVED,
        ConditionReasons.PODS_NOT_CREATED);
    assertThat(message(notCreated, ConditionTypes.POLICY_SERVED)).contains(podsMessage);
    assertThat(reason(notCreated, ConditionTypes.READY)).contains(
        ConditionReasons.PODS_NOT_CREATED);
    assertThat(servedGauge(quota, "quota")).isEqualTo("0.0");
    assertThat(servedGauge(admission, "admission")).isEqualTo("0.0");

    // the rollout then stands still past its deadline: a new reason, one more Event
    writeStatus(pods, pods.child(Deployment.class, "mta-sts-pods"), List.of(
        new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
            .withReason("ProgressDeadlineExceeded")
            .withMessage("ReplicaSet \"mta-sts-pods-6d4cf56db6\" has timed out progressing.")
            .build()));
    MtaStsPolicy stuck = awaitReason(pods, "pods", ConditionTypes.POLICY_SERVED,
        ConditionReasons.ROLLOUT_STUCK);
    assertThat(message(stuck, ConditionTypes.POLICY_SERVED))
        .contains("progress deadline", "has timed out progressing", "kubectl get pods -n "
            + pods.namespace);

    Duration left = WATCHED.minus(Duration.between(started, Instant.now()));
    if (!left.isNegative()) {
      Thread.sleep(left.toMillis());
    }
    Map<String, Integer> lines = new TreeMap<>();
    for (RealCluster c : List.of(quota, admission, pods)) {
      List<ILoggingEvent> mine = linesAbout(c.namespace);
      lines.put(c.namespace, mine.size());
      assertThat(mine).as("log lines about %s in %s", c.namespace, WATCHED)
          .hasSizeLessThanOrEqualTo(MAX_LINES_PER_MINUTE)
          .allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.getFormattedMessage())
              .isNull());
    }
    System.out.println("log lines per namespace over " + WATCHED.toSeconds() + "s: " + lines);
    assertThat(linesAbout(quota.namespace)).anySatisfy(e -> assertThat(e.getFormattedMessage())
        .contains(quota.namespace + "/quota", "Service mta-sts-quota", "exceeded quota"));
    assertThat(linesAbout(admission.namespace)).anySatisfy(e -> assertThat(
        e.getFormattedMessage()).contains("Deployment mta-sts-admission", "denied request"));

    assertThat(warnings(quota, "quota", ConditionReasons.QUOTA_EXCEEDED)).hasSize(1);
    assertThat(warnings(admission, "admission", ConditionReasons.ADMISSION_DENIED)).hasSize(1);
    assertThat(warnings(pods, "pods", ConditionReasons.PODS_NOT_CREATED)).hasSize(1);
    assertThat(warnings(pods, "pods", ConditionReasons.ROLLOUT_STUCK)).hasSize(1);

    // lifted: the next retry (within the back-off, at most 80s at this point) heals each
    quota.admin.resources(ResourceQuota.class).inNamespace(quota.namespace)
        .withName("no-services").delete();
    admission.admin.admissionRegistration().v1().validatingAdmissionPolicyBindings()
        .withName(admissionPolicy).delete();
    awaitServed(quota, "quota", Duration.ofSeconds(150));
    awaitServed(admission, "admission", Duration.ofSeconds(150));
    pods.markRolledOut("mta-sts-pods");
    serve(pods, "mta-sts-pods");
    awaitServed(pods, "pods", RealCluster.TIMEOUT);
    assertThat(servedGauge(quota, "quota")).isEqualTo("1.0");
  }

  private RealCluster connect(String purpose) {
    RealCluster cluster = RealCluster.connect(purpose);
    clusters.add(cluster);
    return cluster;
  }

  private MtaStsPolicy policy(String name) {
    String yaml = """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: %s
        spec:
          domain: %s.example.com
          mx: [mail.example.com]
          tls: {secretName: %s-tls}
        """.formatted(name, name, name);
    return clusters.get(0).admin.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }

  /**
   * A ValidatingAdmissionPolicy (CEL, built into the API server) with a binding for the
   * namespace of {@code cluster}: Deployments must take their images from {@link #REGISTRY}.
   * Returns once the API server enforces it.
   */
  private static void denyImagesOutside(RealCluster cluster, String name) {
    String yaml = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: %1$s
        spec:
          failurePolicy: Fail
          matchConstraints:
            resourceRules:
            - apiGroups: [apps]
              apiVersions: [v1]
              operations: [CREATE, UPDATE]
              resources: [deployments]
          validations:
          - expression: "object.spec.template.spec.containers.all(c, c.image.startsWith('%2$s'))"
            message: "images must come from %2$s"
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata:
          name: %1$s
        spec:
          policyName: %1$s
          validationActions: [Deny]
          matchResources:
            namespaceSelector:
              matchLabels:
                kubernetes.io/metadata.name: %3$s
        """.formatted(name, REGISTRY, cluster.namespace);
    cluster.admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
        .create();
    Deployment probe = new DeploymentBuilder().withNewMetadata().withName("admission-probe")
        .withNamespace(cluster.namespace).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "probe").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "probe").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer()
        .endSpec().endTemplate().endSpec().build();
    await("the admission policy is enforced").atMost(RealCluster.TIMEOUT)
        .pollInterval(Duration.ofMillis(500)).until(() -> {
          try {
            cluster.admin.resource(probe).dryRun().create();
            return false;
          } catch (KubernetesClientException e) {
            return e.getMessage().contains("images must come from");
          }
        });
  }

  private static void writeStatus(RealCluster cluster, Deployment deployment,
      List<DeploymentCondition> conditions) {
    deployment.setStatus(new DeploymentStatusBuilder()
        .withObservedGeneration(deployment.getMetadata().getGeneration())
        .withReplicas(0).withUpdatedReplicas(0).withReadyReplicas(0).withAvailableReplicas(0)
        .withConditions(conditions)
        .build());
    cluster.admin.resource(deployment).updateStatus();
  }

  private static MtaStsPolicy awaitReason(RealCluster cluster, String name, String type,
      String reason) {
    return cluster.awaitPolicy(name, p -> reason(p, type).map(reason::equals).orElse(false));
  }

  private static Optional<String> reason(MtaStsPolicy p, String type) {
    return Optional.ofNullable(p.getStatus()).flatMap(s -> s.condition(type))
        .map(Condition::getReason);
  }

  private static String message(MtaStsPolicy p, String type) {
    return p.getStatus().condition(type).map(Condition::getMessage).orElse("");
  }

  private void serve(RealCluster cluster, String child) {
    pods.serve(cluster, child, cluster.child(ConfigMap.class, child).getData()
        .get("mta-sts.txt"));
  }

  /** Waits for the child that was refused, rolls it out, and for the policy to be served. */
  private void awaitServed(RealCluster cluster, String name, Duration within) {
    String child = "mta-sts-" + name;
    await(name + " healed").atMost(within).pollInterval(Duration.ofMillis(500))
        .until(() -> cluster.child(Service.class, child) != null
            && cluster.child(Deployment.class, child) != null);
    cluster.markRolledOut(child);
    serve(cluster, child);
    await(name + " served").atMost(RealCluster.TIMEOUT).until(() -> reason(cluster.get(name),
        ConditionTypes.POLICY_SERVED).map(ConditionReasons.SERVED::equals).orElse(false));
  }

  private List<ILoggingEvent> linesAbout(String namespace) {
    List<ILoggingEvent> all;
    synchronized (logs) {
      all = new ArrayList<>(logs.list);
    }
    return all.stream().filter(e -> e.getFormattedMessage().contains(namespace)).toList();
  }

  private static List<Event> warnings(RealCluster cluster, String policy, String reason) {
    return cluster.admin.v1().events().inNamespace(cluster.namespace).list().getItems().stream()
        .filter(e -> policy.equals(e.getInvolvedObject().getName())
            && "Warning".equals(e.getType()) && reason.equals(e.getReason()))
        .toList();
  }

  private String servedGauge(RealCluster cluster, String name) {
    String prefix = "mtasts_policy_served{domain=\"" + name + ".example.com\",name=\"" + name
        + "\",namespace=\"" + cluster.namespace + "\"} ";
    return operator.meterRegistry().scrape().lines().filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length())).findFirst().orElse("absent");
  }
}
