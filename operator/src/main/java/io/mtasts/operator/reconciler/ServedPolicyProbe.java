package io.mtasts.operator.reconciler;

import io.mtasts.operator.plan.PolicyPlan;
import java.io.IOException;

/**
 * Fetches the policy that the web server of a plan really serves, from inside the cluster. The
 * new policy id is advertised only once this returns exactly the new bytes.
 */
public interface ServedPolicyProbe {

  /** The body served at the policy path; an exception when it cannot be fetched. */
  byte[] fetch(PolicyPlan plan) throws IOException, InterruptedException;
}
