package io.mtasts.operator.bench.scale;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.mtasts.operator.localserver.RolloutStandIn;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.ServedPolicyProbe;
import io.mtasts.operator.reconciler.ServingEndpoint;
import io.mtasts.operator.plan.WebServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays the parts of a cluster the mock API server lacks: the Deployment controller and kubelet
 * (a policy web server Deployment that appears or changes is marked rolled out, by the shared
 * {@link RolloutStandIn}) and the pods themselves (the probe gets the policy bytes the ConfigMap
 * held at that rollout, known from a watch of the ConfigMaps as the kubelet knows mounted ones).
 * It works through its own client, so its requests are never counted as the operator's; it counts
 * its own writes so the API server's total can be checked against the operator's tally.
 */
final class StandInPods implements ServedPolicyProbe, AutoCloseable {

  private static final Map<String, String> MANAGED =
      Map.of(ChildNames.MANAGED_BY_LABEL, ChildNames.MANAGED_BY);

  private final KubernetesClient client;
  private final Map<String, byte[]> servedByChild = new ConcurrentHashMap<>();
  /** The policy each ConfigMap holds, as the kubelet's watch of mounted ConfigMaps knows it. */
  private final Map<String, byte[]> configured = new ConcurrentHashMap<>();
  private RolloutStandIn rollouts;
  private Watch configWatch;

  StandInPods(KubernetesClient client) {
    this.client = client;
  }

  /** Starts watching the operator's ConfigMaps and Deployments in {@code namespace}. */
  StandInPods watch(String namespace) {
    configWatch = client.configMaps().inNamespace(namespace).withLabels(MANAGED)
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, ConfigMap config) {
            String key = config.getMetadata().getNamespace() + "/"
                + config.getMetadata().getName();
            if (action == Action.DELETED) {
              configured.remove(key);
            } else if (config.getData() != null
                && config.getData().get(WebServerConfig.POLICY_KEY) != null) {
              configured.put(key, policyBytes(config));
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
    rollouts = RolloutStandIn.watch(client, namespace, MANAGED, this::startServing);
    return this;
  }

  /** The pods serve the new bytes before the rollout is reported complete. */
  private boolean startServing(Deployment deployment) {
    var meta = deployment.getMetadata();
    String key = meta.getNamespace() + "/" + meta.getName();
    byte[] policy = configured.get(key);
    if (policy == null) {
      // the ConfigMap's watch event has not arrived yet
      ConfigMap config = client.configMaps().inNamespace(meta.getNamespace())
          .withName(meta.getName()).get();
      if (config == null) {
        return false;
      }
      policy = policyBytes(config);
    }
    servedByChild.put(key, policy);
    return true;
  }

  private static byte[] policyBytes(ConfigMap config) {
    return config.getData().get(WebServerConfig.POLICY_KEY).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public byte[] fetch(PolicyPlan plan, ServingEndpoint endpoint) throws IOException {
    byte[] bytes = servedByChild.get(plan.namespace() + "/" + plan.childName());
    if (bytes == null) {
      throw new IOException("connection refused (no pod serves " + plan.childName() + ")");
    }
    return bytes.clone();
  }

  long writes() {
    return rollouts.writes();
  }

  long failedWrites() {
    return rollouts.failedWrites();
  }

  /** Rollouts marked complete that something else marked incomplete again afterwards. */
  long reverted() {
    return rollouts.reverted();
  }

  @Override
  public void close() {
    if (rollouts != null) {
      rollouts.close();
    }
    if (configWatch != null) {
      configWatch.close();
    }
  }
}
