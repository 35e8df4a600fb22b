package io.mtasts.operator.reconciler;

import io.mtasts.operator.verify.HostLookup;
import io.mtasts.operator.verify.VerifierSettings;
import java.util.List;
import java.util.function.Function;

/**
 * The system's DNS servers, for a reconciler built without the operator's configuration (tests
 * that construct one directly). Built at the first question, so that a machine without DNS
 * configuration fails only when a shared host is asked about, and then as a failed lookup.
 */
enum SystemHostLookup implements Function<String, HostLookup.HostAnswer> {
  INSTANCE;

  private volatile HostLookup lookup;

  @Override
  public HostLookup.HostAnswer apply(String host) {
    HostLookup current = lookup;
    if (current == null) {
      try {
        current = new HostLookup(VerifierSettings.defaults());
      } catch (IllegalArgumentException e) {
        return new HostLookup.HostAnswer(host, HostLookup.HostAnswer.Kind.FAILED, List.of(),
            List.of(), e.getMessage());
      }
      lookup = current;
    }
    return current.lookup(host);
  }
}
