package io.mtasts.operator.cli;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mtasts.operator.localserver.LocalHttpsServer;
import io.mtasts.operator.localserver.RolloutStandIn;
import io.mtasts.operator.localserver.ScriptedResponse;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.WebServerConfig;
import java.util.Map;

/**
 * The demo's stand-in for the Deployment controller and the kubelet, which the in-process API
 * server lacks: when a policy web server Deployment appears or changes, the local HTTPS server
 * serves the ConfigMap's policy and the rollout is marked complete.
 */
final class DemoWorkloads implements AutoCloseable {

  private final RolloutStandIn rollouts;

  DemoWorkloads(KubernetesClient client, String namespace, LocalHttpsServer https) {
    this.rollouts = RolloutStandIn.watch(client, namespace,
        Map.of(ChildNames.MANAGED_BY_LABEL, ChildNames.MANAGED_BY),
        deployment -> serve(client, https, deployment));
  }

  private static boolean serve(KubernetesClient client, LocalHttpsServer https,
      Deployment deployment) {
    var meta = deployment.getMetadata();
    ConfigMap config = client.configMaps().inNamespace(meta.getNamespace())
        .withName(meta.getName()).get();
    if (config == null) {
      return false;
    }
    https.respond(WebServerConfig.POLICY_PATH, ScriptedResponse.ok("text/plain",
        config.getData().get(WebServerConfig.POLICY_KEY)));
    return true;
  }

  @Override
  public void close() {
    rollouts.close();
  }
}
