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
import io.mtasts.operator.reconciler.ServedPolicyProbe;
import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.testing.ProbeDouble;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

  @Test
  void servedOnlyWhenTheProbeFetchesExactlyTheNewBytes() {
    probe.serve(plan.childName(), plan.policyBytes());
    Result<String> met = PolicyServedCondition.outcome(rolledOut(), plan, probe);
    assertThat(met.isSuccess()).isTrue();
    assertThat(met.getDetail()).isEqualTo("policy " + plan.policyId() + " is served");
  }

  @Test
  void otherBytesAreNotServed() {
    probe.serve(plan.childName(), "version: STSv1\n".getBytes(StandardCharsets.US_ASCII));
    Result<String> met = PolicyServedCondition.outcome(rolledOut(), plan, probe);
    assertThat(met.isSuccess()).isFalse();
    assertThat(met.getDetail()).isEqualTo("the web server does not serve policy "
        + plan.policyId() + " yet (it answered 15 other bytes)");
  }

  @Test
  void aFailedFetchIsNotServedAndSaysWhy() {
    ServedPolicyProbe failing = p -> {
      throw new IOException("connection refused");
    };
    Result<String> met = PolicyServedCondition.outcome(rolledOut(), plan, failing);
    assertThat(met.isSuccess()).isFalse();
    assertThat(met.getDetail())
        .isEqualTo("fetching the policy from the web server failed: connection refused");
  }

  @Test
  void theProbeIsNotAskedWhileTheRolloutIsUnfinished() {
    ServedPolicyProbe mustNotBeCalled = p -> {
      throw new AssertionError("probed during a rollout");
    };
    Result<String> met = PolicyServedCondition.outcome(null, plan, mustNotBeCalled);
    assertThat(met.isSuccess()).isFalse();
  }
}
