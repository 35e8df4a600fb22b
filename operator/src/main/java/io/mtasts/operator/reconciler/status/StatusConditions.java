package io.mtasts.operator.reconciler.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place that writes status conditions. A condition's {@code lastTransitionTime} changes
 * only when its status changes, so rewriting the same facts leaves the status equal and unwritten.
 */
public final class StatusConditions {

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private final List<Condition> conditions;
  private final long generation;
  private final Instant now;

  /** Starts from a copy of the current conditions. */
  public StatusConditions(List<Condition> current, long generation, Instant now) {
    this.conditions = new ArrayList<>();
    if (current != null) {
      current.forEach(c -> conditions.add(new ConditionBuilder(c).build()));
    }
    this.generation = generation;
    this.now = now;
  }

  /** The generation the conditions set here are stamped with. */
  public long generation() {
    return generation;
  }

  public StatusConditions set(String type, boolean status, String reason, String message) {
    return set(type, status ? TRUE : FALSE, reason, message);
  }

  public StatusConditions set(String type, String status, String reason, String message) {
    Optional<Condition> existing = find(type);
    String transition = existing
        .filter(c -> Objects.equals(c.getStatus(), status))
        .map(Condition::getLastTransitionTime)
        .orElse(DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)));
    Condition updated = new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
    existing.ifPresentOrElse(
        c -> conditions.set(conditions.indexOf(c), updated), () -> conditions.add(updated));
    return this;
  }

  public StatusConditions remove(String type) {
    conditions.removeIf(c -> type.equals(c.getType()));
    return this;
  }

  public Optional<Condition> find(String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public boolean isTrue(String type) {
    return find(type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  public List<Condition> toList() {
    return List.copyOf(conditions);
  }

  /** The conditions whose status differs between two lists (added ones included). */
  public static List<Condition> transitions(List<Condition> before, List<Condition> after) {
    List<Condition> changed = new ArrayList<>();
    for (Condition c : after == null ? List.<Condition>of() : after) {
      Optional<Condition> old = before == null ? Optional.empty()
          : before.stream().filter(b -> c.getType().equals(b.getType())).findFirst();
      if (old.isEmpty() || !Objects.equals(old.get().getStatus(), c.getStatus())) {
        changed.add(c);
      }
    }
    return changed;
  }
}
