package io.mtasts.operator.cli;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.mtasts.operator.localserver.LocalHttpsServer;
import io.mtasts.operator.localserver.ScriptedResponse;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.WebServerConfig;
import java.util.Objects;

/**
 * The demo's stand-in for the Deployment controller and the kubelet, which the in-process API
 * server lacks: when a policy web server Deployment appears or changes, it marks the rollout
 * complete and serves the ConfigMap's policy from the local HTTPS server.
 */
final class DemoWorkloads implements AutoCloseable {

  private final KubernetesClient client;
  private final LocalHttpsServer https;
  private final Watch watch;

  DemoWorkloads(KubernetesClient client, String namespace, LocalHttpsServer https) {
    this.client = client;
    this.https = https;
    this.watch = client.apps().deployments().inNamespace(namespace)
        .withLabel(ChildNames.MANAGED_BY_LABEL, ChildNames.MANAGED_BY)
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Deployment deployment) {
            if (action == Action.ADDED || action == Action.MODIFIED) {
              rollOut(deployment);
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
  }

  private void rollOut(Deployment deployment) {
    var meta = deployment.getMetadata();
    ConfigMap config = client.configMaps().inNamespace(meta.getNamespace())
        .withName(meta.getName()).get();
    if (config == null) {
      return;
    }
    https.respond(WebServerConfig.POLICY_PATH, ScriptedResponse.ok("text/plain",
        config.getData().get(WebServerConfig.POLICY_KEY)));
    long generation = Objects.requireNonNullElse(meta.getGeneration(), 0L);
    var status = deployment.getStatus();
    if (status != null && Objects.equals(status.getObservedGeneration(), generation)
        && Objects.equals(status.getUpdatedReplicas(), deployment.getSpec().getReplicas())) {
      return;
    }
    int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    deployment.setStatus(new DeploymentStatusBuilder()
        .withObservedGeneration(generation)
        .withReplicas(replicas)
        .withUpdatedReplicas(replicas)
        .withReadyReplicas(replicas)
        .withAvailableReplicas(replicas)
        .build());
    client.resource(deployment).updateStatus();
  }

  @Override
  public void close() {
    watch.close();
  }
}
