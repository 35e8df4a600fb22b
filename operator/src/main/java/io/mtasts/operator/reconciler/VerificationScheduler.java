package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.mtasts.operator.verify.Expectations;
import io.mtasts.operator.verify.VerificationReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs live verifications off the reconcile threads: at most {@code concurrency} at once across
 * all policies, at most one per policy, again when what is expected changes or the (jittered)
 * interval has passed. When one finishes, {@code onDone} asks for a reconcile of its policy,
 * which then writes the result to status.
 */
public final class VerificationScheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(VerificationScheduler.class);
  private static final double JITTER = 0.1;

  /** The last finished verification of a policy and when the next one is due. */
  public record Outcome(Object key, VerificationReport report, Instant finishedAt,
      Instant nextDue) {}

  private final DomainVerifier verifier;
  private final ExecutorService pool;
  private final Clock clock;
  private final Consumer<ResourceID> onDone;
  private final Map<ResourceID, Outcome> outcomes = new ConcurrentHashMap<>();
  private final Map<ResourceID, Object> running = new ConcurrentHashMap<>();

  public VerificationScheduler(
      DomainVerifier verifier, int concurrency, Clock clock, Consumer<ResourceID> onDone) {
    this.verifier = verifier;
    this.clock = clock;
    this.onDone = onDone;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "verify-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public Optional<Outcome> latest(ResourceID id) {
    return Optional.ofNullable(outcomes.get(id));
  }

  /**
   * Starts a verification unless one is running or the last one, for the same {@code key}, is
   * not due yet. The key holds what the result depends on (generation, expectations).
   */
  public void requestIfDue(ResourceID id, Object key, String domain, Expectations expected,
      Duration interval) {
    Outcome last = outcomes.get(id);
    Instant now = clock.instant();
    if (last != null && last.key().equals(key) && now.isBefore(last.nextDue())) {
      return;
    }
    if (running.putIfAbsent(id, key) != null) {
      return;
    }
    pool.execute(() -> run(id, key, domain, expected, interval));
  }

  private void run(ResourceID id, Object key, String domain, Expectations expected,
      Duration interval) {
    boolean finished = false;
    try {
      VerificationReport report = verifier.verify(domain, expected);
      Instant at = clock.instant();
      long jitterMillis = (long) (interval.toMillis() * JITTER
          * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
      // recorded before the policy stops counting as running, so no second one starts between
      outcomes.put(id, new Outcome(key, report, at, at.plus(interval).plusMillis(jitterMillis)));
      finished = true;
    } catch (RuntimeException e) {
      // no reconcile is asked for, so a verifier bug cannot spin; the interval retries it
      LOG.warn("Verification of {} failed unexpectedly: {}", domain, e.toString());
    } catch (Error e) {
      // an Error is left to the thread pool and the JVM; only the running mark is ours to undo
      LOG.error("Verification of {} failed with {}", domain, e.toString());
      throw e;
    } finally {
      // whatever happened, the policy is no longer running, or it would never be verified again
      running.remove(id);
    }
    if (finished) {
      onDone.accept(id);
    }
  }

  /** Whether a verification of the policy is running now. */
  public boolean isRunning(ResourceID id) {
    return running.containsKey(id);
  }

  /** Forgets the policies that no longer exist. */
  public void retainOnly(Predicate<ResourceID> exists) {
    outcomes.keySet().removeIf(id -> !exists.test(id));
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
