package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the verification results and metric series of deleted policies on a timer of its own.
 * Pruning inside a reconcile needs some other policy to be reconciled, so the series of the last
 * policy deleted would stay forever; a finalizer is not worth a write per policy for this.
 */
final class DeletedPolicyPruner implements AutoCloseable {

  /** How long the series of a deleted policy stay at most. */
  static final Duration PERIOD = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(DeletedPolicyPruner.class);

  private final Predicate<ResourceID> exists;
  private final VerificationScheduler verifications;
  private final PolicyMetrics metrics;
  private final RefusalBackoff refusalBackoff;
  private final ScheduledExecutorService timer;

  DeletedPolicyPruner(Predicate<ResourceID> exists, VerificationScheduler verifications,
      PolicyMetrics metrics, RefusalBackoff refusalBackoff) {
    this.exists = exists;
    this.verifications = verifications;
    this.metrics = metrics;
    this.refusalBackoff = refusalBackoff;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "prune-deleted");
      t.setDaemon(true);
      return t;
    });
    long millis = PERIOD.toMillis();
    timer.scheduleWithFixedDelay(this::prune, millis, millis, TimeUnit.MILLISECONDS);
  }

  void prune() {
    try {
      verifications.retainOnly(exists);
      if (metrics != null) {
        metrics.retainOnly(exists);
      }
      refusalBackoff.retainOnly(exists);
    } catch (RuntimeException e) {
      // a failed run must not cancel the schedule
      LOG.warn("Dropping the state of deleted policies failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
