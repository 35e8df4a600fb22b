package io.mtasts.operator.reconciler;

import io.mtasts.operator.plan.PolicyPlan;
import java.io.IOException;

/**
 * Fetches the policy that one endpoint of a plan's web server really serves, from inside the
 * cluster. The new policy id is advertised only once every serving endpoint returns exactly the
 * new bytes ({@link EndpointProbe} asks each one).
 */
public interface ServedPolicyProbe {

  /**
   * The body {@code endpoint} serves at the policy path for {@code Host: mta-sts.<domain>}; an
   * exception whose message says what happened (status, size, refused, timed out) otherwise.
   */
  byte[] fetch(PolicyPlan plan, ServingEndpoint endpoint)
      throws IOException, InterruptedException;
}
