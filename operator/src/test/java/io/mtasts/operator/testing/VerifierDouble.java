package io.mtasts.operator.testing;

import io.mtasts.operator.reconciler.DomainVerifier;
import io.mtasts.operator.verify.CheckName;
import io.mtasts.operator.verify.CheckOutcome;
import io.mtasts.operator.verify.Expectations;
import io.mtasts.operator.verify.Result;
import io.mtasts.operator.verify.VerificationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the live verifier: every check passes unless a test says otherwise for a domain;
 * counts calls per domain and the most that ran at once.
 */
public final class VerifierDouble implements DomainVerifier {

  private final Map<String, Map<CheckName, CheckOutcome>> overrides = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final Map<String, Expectations> lastExpected = new ConcurrentHashMap<>();
  private final Map<String, List<String>> mxHosts = new ConcurrentHashMap<>();
  private volatile Duration delay = Duration.ZERO;
  private volatile Instant certificateNotAfter = Instant.parse("2030-01-01T00:00:00Z");

  /** From now on, {@code check} of {@code domain} gives this result and message. */
  public VerifierDouble set(String domain, CheckName check, Result result, String message) {
    overrides.computeIfAbsent(domain, d -> new ConcurrentHashMap<>())
        .put(check, new CheckOutcome(check, result, message));
    return this;
  }

  /** From now on, verifications of {@code domain} find these MX hosts (default: mail.DOMAIN). */
  public VerifierDouble mxHosts(String domain, String... hosts) {
    mxHosts.put(domain, List.of(hosts));
    return this;
  }

  /** Each verification takes this long, to let several overlap. */
  public VerifierDouble delay(Duration d) {
    this.delay = d;
    return this;
  }

  public int calls(String domain) {
    return calls.getOrDefault(domain, new AtomicInteger()).get();
  }

  /** What the last verification of {@code domain} was asked to expect, if any ran. */
  public Optional<Expectations> lastExpected(String domain) {
    return Optional.ofNullable(lastExpected.get(domain));
  }

  public int mostAtOnce() {
    return mostAtOnce.get();
  }

  @Override
  public VerificationReport verify(String domain, Expectations expected) {
    int now = running.incrementAndGet();
    mostAtOnce.accumulateAndGet(now, Math::max);
    try {
      if (!delay.isZero()) {
        Thread.sleep(delay.toMillis());
      }
      lastExpected.put(domain, expected);
      calls.computeIfAbsent(domain, d -> new AtomicInteger()).incrementAndGet();
      List<CheckOutcome> checks = new ArrayList<>();
      for (CheckName name : CheckName.values()) {
        checks.add(overrides.getOrDefault(domain, Map.of()).getOrDefault(name,
            new CheckOutcome(name, Result.PASS, name.label() + " is fine")));
      }
      return new VerificationReport(domain, checks, expected.id(), Optional.empty(),
          mxHosts.getOrDefault(domain, List.of("mail." + domain)), Optional.of(certificateNotAfter), Instant.now(),
          Duration.ofMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      running.decrementAndGet();
    }
  }
}
