package io.mtasts.operator.reconciler;

import io.mtasts.operator.api.v1alpha1.PolicyRetirement;
import io.mtasts.operator.api.v1alpha1.RetirementLookBack;
import io.mtasts.operator.policy.Mode;
import io.mtasts.operator.policy.Policy;
import io.mtasts.operator.policy.PolicyParser;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The arithmetic of retirement (RFC 8461 section 8.3), a pure function of what status recorded,
 * what is advertised now and the clock.
 *
 * <p>A sender keeps a policy until its max_age runs out and fetches again only on a new id. So
 * each enforce or testing policy that is replaced stays in the look-back with its max_age until
 * the last copy fetched before the replacement can have expired. When a {@code mode: none} id is
 * advertised, it must be held for the largest max_age of the look-back (the policy it replaces
 * included); after that no sender holds anything but {@code none}, and the resource, its TXT
 * record and its policy host can go.
 */
public final class RetirementLedger {

  private RetirementLedger() {}

  /** A policy as advertised: its id and bytes as status holds them; nulls when none is. */
  public record Advertised(String id, String text) {
    static Advertised of(io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus status) {
      return status == null ? new Advertised(null, null)
          : new Advertised(status.getPolicyId(), status.getPolicy());
    }

    Optional<Policy> policy() {
      return text == null ? Optional.empty() : PolicyParser.parse(text).value();
    }

    boolean isNone() {
      return id != null && policy().map(p -> p.mode() == Mode.NONE).orElse(false);
    }

    /** Whether senders may have cached this policy as one that protects mail. */
    boolean protects() {
      return id != null && policy().map(p -> p.mode() != Mode.NONE).orElse(false);
    }
  }

  /**
   * The record after a reconcile that went from advertising {@code before} to {@code after} at
   * {@code now}. {@code deleting} says whether the resource is being retired by deletion;
   * {@code pendingMaxAge} is the max_age of bytes that may have been served without being
   * advertised (a rollout under way when the deletion came), 0 when there are none;
   * {@code cap} the operator's limit on the hold. Null when there is nothing to record.
   */
  public static PolicyRetirement advance(PolicyRetirement record, Advertised before,
      Advertised after, Instant now, boolean deleting, long pendingMaxAge,
      Optional<Duration> cap) {
    Instant at = now.truncatedTo(ChronoUnit.SECONDS);
    List<RetirementLookBack> lookBack = new ArrayList<>(
        record == null || record.getLookBack() == null ? List.of() : record.getLookBack());
    if (after.id() != null && !after.id().equals(before.id()) && before.protects()) {
      long maxAge = before.policy().orElseThrow().maxAge();
      lookBack.add(new RetirementLookBack(maxAge, at.plusSeconds(maxAge).toString()));
    }
    PolicyRetirement next = new PolicyRetirement();
    if (deleting) {
      next.setStartedAt(record != null && record.getStartedAt() != null
          ? record.getStartedAt() : at.toString());
    }
    if (after.isNone()) {
      if (record != null && after.id().equals(record.getPolicyId())
          && record.getRetiredAt() != null && record.getHoldSeconds() != null) {
        next.setPolicyId(record.getPolicyId());
        next.setRetiredAt(record.getRetiredAt());
        next.setHoldSeconds(record.getHoldSeconds());
      } else {
        long hold = Math.max(pendingMaxAge, lookBack.stream()
            .filter(e -> cachedUntil(e).isAfter(at))
            .mapToLong(RetirementLookBack::getMaxAge)
            .max().orElse(0));
        next.setPolicyId(after.id());
        next.setRetiredAt(at.toString());
        next.setHoldSeconds(hold);
      }
      next.setSafeToDeleteAfter(safeToDeleteAfter(next, cap).orElseThrow().toString());
    }
    List<RetirementLookBack> kept = prune(lookBack, at);
    next.setLookBack(kept.isEmpty() ? null : kept);
    boolean empty = next.getStartedAt() == null && next.getPolicyId() == null
        && next.getLookBack() == null;
    return empty ? null : next;
  }

  /**
   * When the held mode none policy has outlived every policy of its look-back, at most
   * {@code cap} after it was advertised; empty while no mode none id is advertised.
   */
  public static Optional<Instant> safeToDeleteAfter(PolicyRetirement record,
      Optional<Duration> cap) {
    if (record == null || record.getRetiredAt() == null || record.getHoldSeconds() == null) {
      return Optional.empty();
    }
    Instant retiredAt = parse(record.getRetiredAt()).orElse(null);
    if (retiredAt == null) {
      return Optional.empty();
    }
    Duration hold = Duration.ofSeconds(record.getHoldSeconds());
    if (cap.isPresent() && cap.get().compareTo(hold) < 0) {
      hold = cap.get();
    }
    return Optional.of(retiredAt.plus(hold));
  }

  /** Whether the retirement recorded is complete at {@code now}. */
  public static boolean complete(PolicyRetirement record, Instant now, Optional<Duration> cap) {
    return safeToDeleteAfter(record, cap).map(t -> !now.isBefore(t)).orElse(false);
  }

  /**
   * The entries a sender may still hold at {@code now}, without those another entry outlasts
   * with at least the same max_age: only the largest max_age that is still live matters.
   */
  static List<RetirementLookBack> prune(List<RetirementLookBack> entries, Instant now) {
    List<RetirementLookBack> live = entries.stream()
        .filter(e -> e.getMaxAge() != null && cachedUntil(e).isAfter(now))
        .sorted(Comparator.comparing(RetirementLookBack::getMaxAge).reversed()
            .thenComparing(RetirementLookBack::getCachedUntil, Comparator.reverseOrder()))
        .toList();
    List<RetirementLookBack> kept = new ArrayList<>();
    for (RetirementLookBack e : live) {
      boolean outlasted = kept.stream().anyMatch(k -> k.getMaxAge() >= e.getMaxAge()
          && !cachedUntil(k).isBefore(cachedUntil(e)));
      if (!outlasted) {
        kept.add(e);
      }
    }
    kept.sort(Comparator.comparing(RetirementLookBack::getCachedUntil));
    return kept;
  }

  private static Instant cachedUntil(RetirementLookBack e) {
    // an unreadable time is kept as if it never expired: forgetting a cached policy is the
    // mistake that strands senders
    return parse(e.getCachedUntil()).orElse(Instant.MAX);
  }

  private static Optional<Instant> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
