package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * When to try again after the API server refused a child: exponential per policy, from
 * {@link #FIRST} doubling to {@link #LONGEST}. A quota or an admission policy does not change by
 * itself, so retrying sooner only repeats the refusal; a change of the spec (a new generation)
 * starts over. Reconciles an event brings in between (a child changed) run at once, but they do
 * not move the next scheduled retry nearer or double the delay again.
 */
public final class RefusalBackoff {

  public static final Duration FIRST = Duration.ofSeconds(5);
  public static final Duration LONGEST = Duration.ofMinutes(5);

  private record State(long generation, Duration delay, Instant next) {}

  private final Clock clock;
  private final Map<ResourceID, State> byPolicy = new ConcurrentHashMap<>();

  public RefusalBackoff(Clock clock) {
    this.clock = clock;
  }

  /** Records one more refusal of the policy at {@code generation}; returns when to retry. */
  public Duration refused(ResourceID id, long generation) {
    Instant now = clock.instant();
    State state = byPolicy.compute(id, (k, old) -> {
      if (old == null || old.generation() != generation) {
        return new State(generation, FIRST, now.plus(FIRST));
      }
      if (now.isBefore(old.next())) {
        return old;
      }
      Duration doubled = old.delay().multipliedBy(2);
      Duration delay = doubled.compareTo(LONGEST) > 0 ? LONGEST : doubled;
      return new State(generation, delay, now.plus(delay));
    });
    Duration wait = Duration.between(now, state.next());
    return wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait;
  }

  /** The children were accepted: the next refusal starts from {@link #FIRST} again. */
  public void accepted(ResourceID id) {
    byPolicy.remove(id);
  }

  public void retainOnly(Predicate<ResourceID> exists) {
    byPolicy.keySet().removeIf(id -> !exists.test(id));
  }
}
