package io.mtasts.operator.reconciler.dependent;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.DetailedCondition;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.MxGuard;
import io.mtasts.operator.reconciler.CrdPresence;
import io.mtasts.operator.reconciler.EndpointProbe;
import io.mtasts.operator.reconciler.ReconcileScope;
import io.mtasts.operator.reconciler.ServedCertificate;
import io.mtasts.operator.reconciler.ServedEndpointSlices;
import io.mtasts.operator.reconciler.ServingEndpoint;
import io.mtasts.operator.reconciler.ServingEndpoints;
import io.mtasts.operator.reconciler.status.NotServed;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Ready condition of the web server: the rollout of the current pod template is complete, every
 * serving endpoint of the Service answers exactly the new policy bytes, and, when the operator
 * manages the certificate, cert-manager's Certificate is Ready. Until it holds, nothing that
 * advertises the new id (status, DNSEndpoint) moves; the detail says what is still missing.
 */
public final class PolicyServedCondition
    implements DetailedCondition<Deployment, MtaStsPolicy, NotServed> {

  @Override
  public Result<NotServed> detailedIsMet(
      DependentResource<Deployment, MtaStsPolicy> dependent,
      MtaStsPolicy primary,
      Context<MtaStsPolicy> context) {
    ReconcileScope scope = ReconcileScope.from(context);
    PolicyPlan plan = scope.plan();
    boolean managed = plan.issuer().isPresent()
        && scope.crds().isInstalled(CrdPresence.CERTIFICATES);
    Result<NotServed> served = outcome(
        dependent.getSecondaryResource(primary, context).orElse(null), plan,
        ServingEndpoints.of(plan.childName(), DesiredChildren.SERVICE_PORT_NAME,
            ServedEndpointSlices.of(context, plan.namespace(), plan.childName())),
        scope.probe(), () -> ServedCertificate.waiting(plan, managed,
            managed ? certificate(context) : Optional.empty()));
    if (!served.isSuccess()) {
      return served;
    }
    // served, but a new enforce policy must also cover the live MX hosts before its id goes out
    return MxGuard.hold(primary, plan, context)
        .<Result<NotServed>>map(held -> Result.withResult(false, new NotServed(
            MxGuard.verdict(context).map(MxGuard.Verdict::reason)
                .orElse(ConditionReasons.MX_NOT_COVERED), held)))
        .orElse(served);
  }

  private static Optional<Certificate> certificate(Context<MtaStsPolicy> context) {
    try {
      return context.getSecondaryResource(Certificate.class);
    } catch (RuntimeException e) {
      // cert-manager was found during this reconcile and its informer is not registered yet
      return Optional.empty();
    }
  }

  /**
   * Met when the rollout of {@code deployment} is complete, {@code probe} fetches exactly the
   * plan's bytes from every one of {@code endpoints} and {@code certificate} has nothing to wait
   * for; otherwise the detail says what is missing.
   */
  static Result<NotServed> outcome(Deployment deployment, PolicyPlan plan,
      List<ServingEndpoint> endpoints, EndpointProbe probe,
      Supplier<Optional<NotServed>> certificate) {
    String rollout = rolloutProblem(deployment, plan);
    if (rollout != null) {
      return Result.withResult(false, new NotServed(ConditionReasons.ROLLING_OUT, rollout));
    }
    Optional<NotServed> waiting;
    try {
      waiting = probe.check(plan, plan.childName(), endpoints);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      waiting = Optional.of(new NotServed(ConditionReasons.ENDPOINT_PROBE_FAILED,
          "interrupted while fetching the policy from the web server"));
    }
    if (waiting.isEmpty()) {
      waiting = certificate.get();
    }
    return waiting.<Result<NotServed>>map(w -> Result.withResult(false, w))
        .orElseGet(() -> Result.withResult(true, null));
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
