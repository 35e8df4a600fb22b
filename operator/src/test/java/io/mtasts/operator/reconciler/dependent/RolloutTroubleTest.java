package io.mtasts.operator.reconciler.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.testing.Policies;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A rollout that stands still is reported in the Deployment's words, not as "rolling out". */
class RolloutTroubleTest {

  private static final String QUOTA = "pods \"mta-sts-example-7c9f-x\" is forbidden: exceeded"
      + " quota: pods, requested: pods=1, used: pods=4, limited: pods=4";

  private final PolicyPlan plan = PolicyPlan.of(Policies.fromYaml("""
      apiVersion: mtasts.io/v1alpha1
      kind: MtaStsPolicy
      metadata: {name: example, namespace: mail}
      spec:
        domain: example.com
        mx: [mail.example.com]
        server: {replicas: 2}
        tls: {secretName: example-tls}
      """), PlanSettings.defaults());

  /** The current template seen by the controller, {@code available} of 2 pods available. */
  private Deployment deployment(int available, DeploymentCondition... conditions) {
    Deployment d = new DeploymentBuilder(DesiredChildren.deployment(plan))
        .editMetadata().withGeneration(3L).endMetadata().build();
    d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(3L)
        .withReplicas(available).withUpdatedReplicas(available).withAvailableReplicas(available)
        .withConditions(List.of(conditions)).build());
    return d;
  }

  private static DeploymentCondition condition(String type, String status, String reason,
      String message) {
    return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason)
        .withMessage(message).build();
  }

  @Test
  void podsTheReplicaSetCannotCreateAreReportedWithItsMessage() {
    Deployment d = deployment(0,
        condition("Progressing", "True", "NewReplicaSetCreated", "created"),
        condition("ReplicaFailure", "True", "FailedCreate", QUOTA));
    RolloutTrouble trouble = RolloutTrouble.of(d).orElseThrow();
    assertThat(trouble.reason()).isEqualTo(ConditionReasons.PODS_NOT_CREATED);
    assertThat(trouble.message()).isEqualTo("the web server's pods cannot be created"
        + " (Deployment mta-sts-example, ReplicaFailure FailedCreate): " + QUOTA);
    assertThat(PolicyServedCondition.rolloutProblem(d, plan)).isEqualTo(trouble.message());
  }

  @Test
  void aPassedProgressDeadlineSaysWhichPodsToLookAt() {
    Deployment d = deployment(0, condition("Progressing", "False", "ProgressDeadlineExceeded",
        "ReplicaSet \"mta-sts-example-7c9f\" has timed out progressing."));
    RolloutTrouble trouble = RolloutTrouble.of(d).orElseThrow();
    assertThat(trouble.reason()).isEqualTo(ConditionReasons.ROLLOUT_STUCK);
    assertThat(trouble.message())
        .contains("passed its progress deadline", "has timed out progressing",
            "kubectl get pods -n mail -l app.kubernetes.io/");
    assertThat(PolicyServedCondition.rolloutProblem(d, plan)).isEqualTo(trouble.message());
  }

  @Test
  void aRolloutStillProgressingIsRollingOut() {
    Deployment d = deployment(1,
        condition("Progressing", "True", "ReplicaSetUpdated", "progressing"),
        condition("ReplicaFailure", "False", "FailedCreate", "gone"));
    assertThat(RolloutTrouble.of(d)).isEmpty();
    assertThat(PolicyServedCondition.rolloutProblem(d, plan))
        .isEqualTo("rolling out: 1 of 2 pods have the new policy");
  }

  @Test
  void aFinishedRolloutIgnoresAnOldFailure() {
    Deployment d = deployment(2, condition("ReplicaFailure", "True", "FailedCreate", QUOTA));
    assertThat(PolicyServedCondition.rolloutProblem(d, plan)).isNull();
  }
}
