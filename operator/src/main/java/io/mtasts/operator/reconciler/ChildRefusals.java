package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.status.StatusAggregator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when the workflow could not write every child. Refusals by the API server (a
 * quota, an admission policy, a full Service range) are reported on the policy, logged in one line
 * each without a stack trace, and retried with {@link RefusalBackoff}; JOSDK's own error path
 * (an immediate retry and a nested stack trace per attempt) is kept for everything else.
 */
final class ChildRefusals {

  private static final Logger LOG = LoggerFactory.getLogger(ChildRefusals.class);

  private final RefusalBackoff backoff;

  ChildRefusals(RefusalBackoff backoff) {
    this.backoff = backoff;
  }

  /**
   * Handles the errors of {@code result}: empty when there were none; when was every error a
   * refusal, reports them and returns when to retry; otherwise throws the workflow's errors.
   */
  Optional<Duration> handle(MtaStsPolicy policy, PolicyPlan plan,
      WorkflowReconcileResult result, StatusAggregator report) {
    ResourceID id = ResourceID.fromResource(policy);
    var errors = result.getErroredDependents();
    if (errors.isEmpty()) {
      backoff.accepted(id);
      return Optional.empty();
    }
    List<ChildRefusal> refusals = new ArrayList<>();
    for (var e : errors.entrySet()) {
      String kind = e.getKey().resourceType().getSimpleName();
      Optional<ChildRefusal> refusal =
          ChildRefusal.of(kind, nameOf(e.getValue(), plan), e.getValue());
      if (refusal.isEmpty()) {
        result.throwAggregateExceptionIfErrorsPresent();
      }
      refusals.add(refusal.get());
      LOG.debug("{} {} refused", kind, refusal.get().name(), e.getValue());
    }
    refusals.sort(Comparator.comparing(ChildRefusal::kind));
    Duration retry = backoff.refused(id, Objects.requireNonNullElse(
        policy.getMetadata().getGeneration(), 0L));
    String name = policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
    for (ChildRefusal r : refusals) {
      LOG.warn("{}: the API server refused {} {} ({}, HTTP {}): {}; retry in {}s", name,
          r.kind(), r.name(), r.reason(), r.code(), r.apiMessage(), retry.toSeconds());
    }
    // no retry time in the message: it changes with every attempt, and a changed message is a
    // new Event
    report.childRefused(refusals.get(0).reason(), refusals.stream()
        .map(ChildRefusal::describe).collect(Collectors.joining("; "))
        + ". Children already stored stay as they are, and a policy served before stays served;"
        + " retried with back-off, at once when the spec or a child changes");
    return Optional.of(retry);
  }

  /** The name the API server gives in its answer, else the child's planned name. */
  private static String nameOf(Exception error, PolicyPlan plan) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getStatus() != null
          && k.getStatus().getDetails() != null && k.getStatus().getDetails().getName() != null
          && !k.getStatus().getDetails().getName().isBlank()) {
        return k.getStatus().getDetails().getName();
      }
    }
    return plan.childName();
  }
}
