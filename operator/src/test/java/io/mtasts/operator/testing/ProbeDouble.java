package io.mtasts.operator.testing;

import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.ServedPolicyProbe;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Stands in for the in-cluster GET: serves whatever bytes a test says a web server serves. */
public final class ProbeDouble implements ServedPolicyProbe {

  private final Map<String, byte[]> servedByChild = new ConcurrentHashMap<>();

  public void serve(String childName, byte[] bytes) {
    servedByChild.put(childName, bytes.clone());
  }

  @Override
  public byte[] fetch(PolicyPlan plan) throws IOException {
    byte[] bytes = servedByChild.get(plan.childName());
    if (bytes == null) {
      throw new IOException("connection refused (no pod serves " + plan.childName() + ")");
    }
    return bytes.clone();
  }
}
