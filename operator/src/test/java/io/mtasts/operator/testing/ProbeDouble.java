package io.mtasts.operator.testing;

import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.ServedPolicyProbe;
import io.mtasts.operator.reconciler.ServingEndpoint;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for the in-cluster GET of one pod: serves whatever bytes a test says the pods of a
 * web server serve (all of them, or one address), and records every endpoint it was asked.
 */
public final class ProbeDouble implements ServedPolicyProbe {

  private final Map<String, byte[]> servedByChild = new ConcurrentHashMap<>();
  private final Map<String, byte[]> servedByAddress = new ConcurrentHashMap<>();
  private final List<ServingEndpoint> asked = new CopyOnWriteArrayList<>();
  private volatile java.util.function.Consumer<PolicyPlan> onFetch = plan -> { };
  private final AtomicReference<Runnable> beforeNextFetch = new AtomicReference<>();

  /** Every pod of {@code childName} serves {@code bytes}. */
  public void serve(String childName, byte[] bytes) {
    servedByChild.put(childName, bytes.clone());
  }

  /** The pod at {@code address} serves {@code bytes}, whatever the others serve. */
  public void serveAt(String address, byte[] bytes) {
    servedByAddress.put(address, bytes.clone());
  }

  /** Runs {@code check} at every fetch, before it answers, with the plan it is asked for. */
  public void onFetch(java.util.function.Consumer<PolicyPlan> check) {
    onFetch = check;
  }

  /**
   * Runs {@code action} on the reconciling thread when the next fetch starts, once: something
   * that happens in the middle of a reconcile.
   */
  public void beforeNextFetch(Runnable action) {
    beforeNextFetch.set(action);
  }

  /** The endpoints asked so far, in order. */
  public List<ServingEndpoint> asked() {
    return List.copyOf(asked);
  }

  @Override
  public byte[] fetch(PolicyPlan plan, ServingEndpoint endpoint) throws IOException {
    asked.add(endpoint);
    onFetch.accept(plan);
    Runnable action = beforeNextFetch.getAndSet(null);
    if (action != null) {
      action.run();
    }
    byte[] bytes = servedByAddress.get(endpoint.address());
    if (bytes == null) {
      bytes = servedByChild.get(plan.childName());
    }
    if (bytes == null) {
      throw new IOException("connection refused");
    }
    return bytes.clone();
  }
}
