package io.mtasts.operator.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.localserver.RolloutStandIn;
import io.mtasts.operator.plan.WebServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pods of the e2e suite, where no kubelet runs: one real nginx per policy web server, on an
 * address of the loopback interface, with the generated configuration. A test plays the kubelet
 * (the served file follows the ConfigMap when it says so), the EndpointSlice controller and the
 * Deployment controller; the operator's own probe decides what is served.
 */
final class LoopbackPods implements AutoCloseable {

  /** The operator setting that lets its probe reach these addresses. */
  static final Map<String, String> PROBE_LOOPBACK =
      Map.of(io.mtasts.operator.reconciler.EndpointProbe.ALLOW_LOOPBACK_SETTING, "true");

  private final Map<String, LoopbackNginx> byChild = new ConcurrentHashMap<>();

  /** The nginx of {@code child} in {@code cluster}'s namespace, started on first use. */
  LoopbackNginx pod(RealCluster cluster, String child) {
    return byChild.computeIfAbsent(cluster.namespace + "/" + child, k -> {
      try {
        return LoopbackNginx.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The pod serves {@code policy} and is the one ready endpoint of the child's Service. */
  void serve(RealCluster cluster, String child, String policy) {
    LoopbackNginx nginx = pod(cluster, child);
    nginx.serve(policy);
    RolloutStandIn.publishEndpoints(cluster.admin,
        cluster.awaitChild(Service.class, child, x -> true),
        cluster.awaitChild(Deployment.class, child, x -> true), List.of(nginx.address()));
  }

  /** The rollout of the current template is complete and the pod serves the ConfigMap's bytes. */
  void serveCurrentConfigMap(RealCluster cluster, String child) {
    cluster.markRolledOut(child);
    serve(cluster, child, cluster.child(ConfigMap.class, child).getData()
        .get(WebServerConfig.POLICY_KEY));
  }

  @Override
  public void close() {
    byChild.values().forEach(LoopbackNginx::close);
    byChild.clear();
  }
}
