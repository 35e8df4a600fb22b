package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.plan.SharedServerName;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the MtaStsPolicyServer a policy references, each server at most once per
 * {@link #FRESH}: thousands of policies naming one server cost one read, not one each. A GET
 * rather than an informer, since the server's CRD may be missing in a cluster whose operator
 * was upgraded (and policies must still be reconciled there).
 */
final class SharedServerLookup {

  static final Duration FRESH = Duration.ofSeconds(2);

  private record Read(MtaStsPolicyServer server, long at) {}

  private final Map<SharedServerName, Read> reads = new ConcurrentHashMap<>();

  /** The server, or null when it does not exist (or its CRD is not installed). */
  MtaStsPolicyServer get(KubernetesClient client, SharedServerName name) {
    long now = System.nanoTime();
    Read read = reads.get(name);
    if (read != null && now - read.at() < FRESH.toNanos()) {
      return read.server();
    }
    MtaStsPolicyServer server;
    try {
      server = client.resources(MtaStsPolicyServer.class).inNamespace(name.namespace())
          .withName(name.name()).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      server = null;
    }
    if (reads.size() > 10_000) {
      reads.clear();
    }
    reads.put(name, new Read(server, now));
    return server;
  }
}
