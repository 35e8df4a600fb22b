package io.mtasts.operator.reconciler.dependent;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.DetailedCondition;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.MxGuard;
import io.mtasts.operator.reconciler.ReconcileScope;
import io.mtasts.operator.reconciler.ServedPolicyProbe;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Ready condition of the web server: the rollout of the current pod template is complete and an
 * in-cluster GET returns exactly the new policy bytes. Until it holds, nothing that advertises the
 * new id (status, DNSEndpoint) moves; the detail says what is still missing.
 */
public final class PolicyServedCondition
    implements DetailedCondition<Deployment, MtaStsPolicy, String> {

  @Override
  public Result<String> detailedIsMet(
      DependentResource<Deployment, MtaStsPolicy> dependent,
      MtaStsPolicy primary,
      Context<MtaStsPolicy> context) {
    ReconcileScope scope = ReconcileScope.from(context);
    Result<String> served = outcome(dependent.getSecondaryResource(primary, context).orElse(null),
        scope.plan(), scope.probe());
    if (!served.isSuccess()) {
      return served;
    }
    // served, but a new enforce policy must also cover the live MX hosts before its id goes out
    return MxGuard.hold(primary, scope.plan(), context)
        .<Result<String>>map(held -> Result.withResult(false, held))
        .orElse(served);
  }

  /**
   * Met when the rollout of {@code deployment} is complete and {@code probe} fetches exactly the
   * plan's bytes; otherwise the detail says what is missing.
   */
  static Result<String> outcome(Deployment deployment, PolicyPlan plan, ServedPolicyProbe probe) {
    String rollout = rolloutProblem(deployment, plan);
    if (rollout != null) {
      return Result.withResult(false, rollout);
    }
    try {
      byte[] served = probe.fetch(plan);
      if (!Arrays.equals(served, plan.policyBytes())) {
        return Result.withResult(false, "the web server does not serve policy " + plan.policyId()
            + " yet (it answered " + served.length + " other bytes)");
      }
      return Result.withResult(true, "policy " + plan.policyId() + " is served");
    } catch (IOException e) {
      return Result.withResult(false, "fetching the policy from the web server failed: "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.withResult(false, "interrupted while fetching the policy");
    }
  }

  /** What keeps the rollout of the current template from being complete, or null. */
  static String rolloutProblem(Deployment deployment, PolicyPlan plan) {
    if (deployment == null) {
      return "the web server Deployment does not exist yet";
    }
    var annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
    String checksum = annotations == null ? null
        : annotations.get(DesiredChildren.CHECKSUM_ANNOTATION);
    if (!plan.podChecksum().equals(checksum)) {
      return "the web server Deployment does not have the new pod template yet";
    }
    DeploymentStatus status = deployment.getStatus();
    long generation = Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 0L);
    if (status == null || status.getObservedGeneration() == null
        || status.getObservedGeneration() < generation) {
      return "the Deployment controller has not seen the new pod template yet";
    }
    int desired = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    int updated = Objects.requireNonNullElse(status.getUpdatedReplicas(), 0);
    int total = Objects.requireNonNullElse(status.getReplicas(), 0);
    int available = Objects.requireNonNullElse(status.getAvailableReplicas(), 0);
    boolean complete = updated >= desired && total <= updated && available >= desired;
    // the Deployment's own account of a rollout that stands still says more than the counts
    Optional<RolloutTrouble> trouble = complete ? Optional.empty() : RolloutTrouble.of(deployment);
    if (trouble.isPresent()) {
      return trouble.get().message();
    }
    if (updated < desired) {
      return "rolling out: " + updated + " of " + desired + " pods have the new policy";
    }
    if (total > updated) {
      return "rolling out: " + (total - updated) + " old pods are still running";
    }
    if (available < desired) {
      return "rolling out: " + available + " of " + desired + " pods are available";
    }
    return null;
  }
}
