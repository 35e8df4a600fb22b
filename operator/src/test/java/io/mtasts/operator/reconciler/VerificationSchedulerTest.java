package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.mtasts.operator.testing.VerifierDouble;
import io.mtasts.operator.verify.Expectations;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Verifications off the reconcile threads: one per policy, and never stuck as running. */
class VerificationSchedulerTest {

  private static final ResourceID POLICY = new ResourceID("example", "mail");
  private static final Expectations EXPECTED = Expectations.builder().id("20260301120000abcdef")
      .build();

  @Test
  void aVerifierThatThrowsAnErrorLeavesThePolicyFreeToBeVerifiedAgain() {
    VerifierDouble passing = new VerifierDouble();
    AtomicInteger calls = new AtomicInteger();
    List<ResourceID> done = new CopyOnWriteArrayList<>();
    try (VerificationScheduler scheduler = new VerificationScheduler((domain, expected) -> {
      if (calls.incrementAndGet() == 1) {
        throw new StackOverflowError("deep recursion in a check");
      }
      return passing.verify(domain, expected);
    }, 1, Clock.systemUTC(), done::add)) {

      scheduler.requestIfDue(POLICY, "key", "example.com", EXPECTED, Duration.ofMinutes(15));
      // the Error goes on to the pool thread's handler, as an Error should
      await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(5))
          .until(() -> calls.get() == 1 && !scheduler.isRunning(POLICY));
      assertThat(scheduler.latest(POLICY)).isEmpty();
      assertThat(done).as("no reconcile is asked for after a failure").isEmpty();

      scheduler.requestIfDue(POLICY, "key", "example.com", EXPECTED, Duration.ofMinutes(15));
      await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.latest(POLICY).isPresent());
      assertThat(calls.get()).isEqualTo(2);
      assertThat(scheduler.latest(POLICY).orElseThrow().report().domain())
          .isEqualTo("example.com");
      assertThat(done).containsExactly(POLICY);
    }
  }

  @Test
  void aVerifierThatThrowsARuntimeExceptionLeavesThePolicyFreeToo() {
    AtomicInteger calls = new AtomicInteger();
    try (VerificationScheduler scheduler = new VerificationScheduler((domain, expected) -> {
      calls.incrementAndGet();
      throw new IllegalStateException("verifier bug");
    }, 1, Clock.systemUTC(), id -> { })) {
      scheduler.requestIfDue(POLICY, "key", "example.com", EXPECTED, Duration.ofMinutes(15));
      await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1
          && !scheduler.isRunning(POLICY));
      scheduler.requestIfDue(POLICY, "key", "example.com", EXPECTED, Duration.ofMinutes(15));
      await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
    }
  }
}
