package io.mtasts.operator.reconciler.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.javaoperatorsdk.operator.processing.dependent.workflow.DetailedCondition.Result;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.reconciler.EndpointProbe;
import io.mtasts.operator.reconciler.ServingEndpoint;
import io.mtasts.operator.reconciler.status.NotServed;
import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.testing.ProbeDouble;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When the web server counts as serving the new policy, and what is said while it does not. */
class PolicyServedConditionTest {

  private final PolicyPlan plan = plan();
  private final ProbeDouble probe = new ProbeDouble();

  private static PolicyPlan plan() {
    MtaStsPolicy policy = Policies.fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata: {name: example, namespace: mail}
        spec:
          domain: example.com
          mx: [mail.example.com]
          server: {replicas: 2}
          tls: {secretName: example-tls}
        """);
    return PolicyPlan.of(policy, PlanSettings.defaults());
  }

  /** The desired Deployment as the API server would report it after a finished rollout. */
  private Deployment rolledOut() {
    Deployment d = new DeploymentBuilder(DesiredChildren.deployment(plan))
        .editMetadata().withGeneration(3L).endMetadata()
        .build();
    d.setStatus(new DeploymentStatusBuilder()
        .withObservedGeneration(3L).withReplicas(2).withUpdatedReplicas(2)
        .withAvailableReplicas(2).build());
    return d;
  }

  @Test
  void aFinishedRolloutHasNoProblem() {
    assertThat(PolicyServedCondition.rolloutProblem(rolledOut(), plan)).isNull();
  }

  @Test
  void aMissingDeploymentIsSaid() {
    assertThat(PolicyServedCondition.rolloutProblem(null, plan))
        .isEqualTo("the web server Deployment does not exist yet");
  }

  @Test
  void anOldPodTemplateIsNotTheNewPolicy() {
    Deployment d = rolledOut();
    d.getSpec().getTemplate().getMetadata().getAnnotations()
        .put(DesiredChildren.CHECKSUM_ANNOTATION, "older");
    assertThat(PolicyServedCondition.rolloutProblem(d, plan))
        .isEqualTo("the web server Deployment does not have the new pod template yet");
  }

  @Test
  void aGenerationTheControllerHasNotSeenIsNotRolledOut() {
    Deployment d = rolledOut();
    d.getStatus().setObservedGeneration(2L);
    assertThat(PolicyServedCondition.rolloutProblem(d, plan))
        .isEqualTo("the Deployment controller has not seen the new pod template yet");
  }

  @Test
  void eachUnfinishedStepOfARolloutIsCounted() {
    Deployment d = rolledOut();
    d.getStatus().setUpdatedReplicas(1);
    assertThat(PolicyServedCondition.rolloutProblem(d, plan))
        .isEqualTo("rolling out: 1 of 2 pods have the new policy");

    d = rolledOut();
    d.getStatus().setReplicas(3);
    assertThat(PolicyServedCondition.rolloutProblem(d, plan))
        .isEqualTo("rolling out: 1 old pods are still running");

    d = rolledOut();
    d.getStatus().setAvailableReplicas(1);
    assertThat(PolicyServedCondition.rolloutProblem(d, plan))
        .isEqualTo("rolling out: 1 of 2 pods are available");
  }

  private static final List<ServingEndpoint> TWO_PODS = List.of(
      new ServingEndpoint("10.244.0.10", 8080, "web-a", false),
      new ServingEndpoint("10.244.0.11", 8080, "web-b", false));
  private static final Supplier<Optional<NotServed>> NO_CERTIFICATE_TO_WAIT_FOR = Optional::empty;

  private final EndpointProbe endpoints = new EndpointProbe(probe, false, Duration.ofSeconds(5), 2);

  @AfterEach
  void close() {
    endpoints.close();
  }

  @Test
  void servedOnlyWhenEveryEndpointAnswersExactlyTheNewBytes() {
    probe.serve(plan.childName(), plan.policyBytes());
    Result<NotServed> met = PolicyServedCondition.outcome(rolledOut(), plan, TWO_PODS, endpoints,
        NO_CERTIFICATE_TO_WAIT_FOR);
    assertThat(met.isSuccess()).isTrue();
    assertThat(probe.asked()).containsExactlyInAnyOrderElementsOf(TWO_PODS);
  }

  @Test
  void oneEndpointWithOtherBytesIsNotServed() {
    probe.serve(plan.childName(), plan.policyBytes());
    probe.serveAt("10.244.0.11", "version: STSv1\n".getBytes(StandardCharsets.US_ASCII));
    Result<NotServed> met = PolicyServedCondition.outcome(rolledOut(), plan, TWO_PODS, endpoints,
        NO_CERTIFICATE_TO_WAIT_FOR);
    assertThat(met.isSuccess()).isFalse();
    assertThat(met.getDetail().reason()).isEqualTo(ConditionReasons.SERVED_POLICY_DIFFERS);
    assertThat(met.getDetail().message()).startsWith("the web server does not serve policy "
        + plan.policyId() + " everywhere yet: 10.244.0.11:8080 (pod web-b) answered 15 bytes");
  }

  @Test
  void aFailedFetchIsNotServedAndSaysWhy() {
    Result<NotServed> met = PolicyServedCondition.outcome(rolledOut(), plan, TWO_PODS, endpoints,
        NO_CERTIFICATE_TO_WAIT_FOR);
    assertThat(met.isSuccess()).isFalse();
    assertThat(met.getDetail().reason()).isEqualTo(ConditionReasons.ENDPOINT_PROBE_FAILED);
    assertThat(met.getDetail().message()).startsWith("fetching the policy from the web server"
        + " failed: 10.244.0.10:8080 (pod web-a): connection refused; 10.244.0.11:8080 (pod"
        + " web-b): connection refused; expected the " + plan.policyBytes().length);
  }

  @Test
  void servedBytesStillWaitForTheCertificate() {
    probe.serve(plan.childName(), plan.policyBytes());
    NotServed certificate = new NotServed(ConditionReasons.CERTIFICATE_NOT_READY, "not Ready");
    Result<NotServed> met = PolicyServedCondition.outcome(rolledOut(), plan, TWO_PODS, endpoints,
        () -> Optional.of(certificate));
    assertThat(met.isSuccess()).isFalse();
    assertThat(met.getDetail()).isEqualTo(certificate);
  }

  @Test
  void theProbeIsNotAskedWhileTheRolloutIsUnfinished() {
    Result<NotServed> met = PolicyServedCondition.outcome(null, plan, TWO_PODS, endpoints,
        NO_CERTIFICATE_TO_WAIT_FOR);
    assertThat(met.isSuccess()).isFalse();
    assertThat(met.getDetail().reason()).isEqualTo(ConditionReasons.ROLLING_OUT);
    assertThat(probe.asked()).isEmpty();
  }
}
