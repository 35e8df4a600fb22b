package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.PolicyRetirement;
import io.mtasts.operator.api.v1alpha1.RetirementLookBack;
import io.mtasts.operator.reconciler.status.PolicyEvents;
import io.mtasts.operator.reconciler.status.StatusAggregator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retirement when the policy's namespace is being deleted. Kubernetes then deletes the web
 * server, its Service and the DNSEndpoint with everything else in the namespace and refuses new
 * objects there, so mode none cannot be served. The namespace still waits, as for any
 * retirement: the policy is held for the largest max_age of its look-back (the advertised
 * policy's included), counted from the deletion, at most the operator's cap, and a Warning
 * Event says that senders keep what they cached meanwhile. Without this the namespace would
 * wait forever for a rollout that cannot happen.
 */
final class RetirementInTerminatingNamespace {

  private static final Logger LOG = LoggerFactory.getLogger(RetirementInTerminatingNamespace.class);

  private RetirementInTerminatingNamespace() {}

  static boolean applies(MtaStsPolicy policy, KubernetesClient client) {
    try {
      Namespace ns = client.namespaces().withName(policy.getMetadata().getNamespace()).get();
      return ns != null && ns.isMarkedForDeletion();
    } catch (KubernetesClientException e) {
      // unknown: retire the usual way, which at worst waits for the web server
      return false;
    }
  }

  static DeleteControl hold(MtaStsPolicy policy, Instant now, Optional<Duration> cap,
      PolicyEvents events, Consumer<Consumer<StatusAggregator>> updateStatus) {
    MtaStsPolicyStatus stored = policy.getStatus();
    PolicyRetirement before = stored == null ? null : stored.getRetirement();
    Instant at = now.truncatedTo(ChronoUnit.SECONDS);
    Instant started = before != null && before.getStartedAt() != null
        ? Instant.parse(before.getStartedAt()) : at;
    long hold = before != null && before.getHoldSeconds() != null && before.getPolicyId() == null
        ? before.getHoldSeconds() : holdSeconds(policy, stored, started);
    Duration effective = Duration.ofSeconds(hold);
    if (cap.isPresent() && cap.get().compareTo(effective) < 0) {
      effective = cap.get();
    }
    Instant until = started.plus(effective);
    boolean first = before == null || before.getHoldSeconds() == null
        || before.getPolicyId() != null;
    updateStatus.accept(report -> {
      PolicyRetirement r = new PolicyRetirement();
      r.setStartedAt(started.toString());
      r.setHoldSeconds(hold);
      r.setSafeToDeleteAfter(until.toString());
      r.setLookBack(before == null ? null : before.getLookBack());
      report.status().setRetirement(r);
      boolean done = !now.isBefore(until);
      report.conditions().set(ConditionTypes.RETIRING, !done, done
              ? ConditionReasons.RETIREMENT_COMPLETE : ConditionReasons.HOLDING_MODE_NONE,
          "the namespace is being deleted, which removes the web server, so mode none cannot"
              + " be served; the policy is held until " + until + " (the largest max_age"
              + " senders may have cached, " + hold + " s, from the deletion"
              + (cap.isPresent() ? ", at most " + cap.get().toSeconds() + " s" : "") + ")");
    });
    if (first) {
      LOG.info("{}/{}: namespace is being deleted; holding until {}",
          policy.getMetadata().getNamespace(), policy.getMetadata().getName(), until);
      events.record(policy, "Warning", ConditionReasons.RETIREMENT_STARTED,
          "the namespace is being deleted, which removes the web server and the DNSEndpoint:"
              + " mode none cannot be served, and senders keep the policy they cached until its"
              + " max_age runs out. The namespace's deletion waits until " + until + ". Delete"
              + " the MtaStsPolicy and wait for its retirement before deleting its namespace.");
    }
    if (!now.isBefore(until)) {
      return DeleteControl.defaultDelete();
    }
    return DeleteControl.noFinalizerRemoval()
        .rescheduleAfter(Duration.between(now, until).plusMillis(100));
  }

  private static long holdSeconds(MtaStsPolicy policy, MtaStsPolicyStatus status,
      Instant started) {
    long hold = 0;
    RetirementLedger.Advertised advertised = RetirementLedger.Advertised.of(status);
    if (advertised.protects()) {
      hold = advertised.policy().orElseThrow().maxAge();
    }
    PolicyRetirement record = status == null ? null : status.getRetirement();
    if (record != null && record.getLookBack() != null) {
      for (RetirementLookBack e : record.getLookBack()) {
        if (Instant.parse(e.getCachedUntil()).isAfter(started)) {
          hold = Math.max(hold, e.getMaxAge());
        }
      }
    }
    if (policy.getSpec() != null
        && policy.getSpec().effectiveMode() != io.mtasts.operator.api.v1alpha1.Mode.NONE) {
      hold = Math.max(hold, policy.getSpec().effectiveMaxAge());
    }
    return hold;
  }
}
