package io.mtasts.operator.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * For tests that need something the machine may lack (a binary, a cluster): skipped with the
 * reason on a developer's machine, failed when MTASTS_REQUIRE_ALL=1 (as CI sets it).
 */
public final class RequiredComponent {

  private RequiredComponent() {}

  public static boolean allRequired() {
    return "1".equals(System.getenv("MTASTS_REQUIRE_ALL"));
  }

  /** Skips or fails the test when {@code available} is false. */
  public static void require(boolean available, String what) {
    if (available) {
      return;
    }
    if (allRequired()) {
      Assertions.fail(what + " is missing and MTASTS_REQUIRE_ALL=1");
    }
    Assumptions.abort(what + " is missing; skipped (MTASTS_REQUIRE_ALL=1 makes this a failure)");
  }
}
