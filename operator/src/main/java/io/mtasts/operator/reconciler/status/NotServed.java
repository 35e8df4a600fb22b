package io.mtasts.operator.reconciler.status;

import java.util.Objects;

/**
 * Why the plan's policy does not count as served yet: the {@code PolicyServed} reason (one of
 * {@link io.mtasts.operator.api.v1alpha1.ConditionReasons}) and a message saying what is missing.
 */
public record NotServed(String reason, String message) {

  public NotServed {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
