package io.mtasts.operator.bench.scale;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.ServedPolicyProbe;
import io.mtasts.operator.plan.WebServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Plays the parts of a cluster the mock API server lacks: the Deployment controller and kubelet
 * (a policy web server Deployment that appears or changes is marked rolled out) and the pods
 * themselves (the probe gets the policy bytes the ConfigMap held at that rollout, known from a
 * watch of the ConfigMaps as the kubelet knows mounted ones). It works
 * through its own client, so its requests are never counted as the operator's; it counts its own
 * writes so the API server's total can be checked against the operator's tally.
 */
final class RolloutStandIn implements ServedPolicyProbe, AutoCloseable {

  private final KubernetesClient client;
  private final Map<String, byte[]> servedByChild = new ConcurrentHashMap<>();
  /** The policy each ConfigMap holds, as the kubelet's watch of mounted ConfigMaps knows it. */
  private final Map<String, byte[]> configured = new ConcurrentHashMap<>();
  private final ExecutorService workers;
  private final LongAdder writes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder reverted = new LongAdder();
  private final Map<String, Long> markedGeneration = new ConcurrentHashMap<>();
  private Watch watch;
  private Watch configWatch;

  RolloutStandIn(KubernetesClient client) {
    this.client = client;
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "stand-in-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts watching the operator's ConfigMaps and Deployments in {@code namespace}. */
  RolloutStandIn watch(String namespace) {
    configWatch = client.configMaps().inNamespace(namespace)
        .withLabel(ChildNames.MANAGED_BY_LABEL, ChildNames.MANAGED_BY)
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
    watch = client.apps().deployments().inNamespace(namespace)
        .withLabel(ChildNames.MANAGED_BY_LABEL, ChildNames.MANAGED_BY)
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Deployment deployment) {
            if (action == Action.ADDED || action == Action.MODIFIED) {
              workers.execute(() -> rollOut(deployment));
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
    return this;
  }

  private void rollOut(Deployment deployment) {
    var meta = deployment.getMetadata();
    long generation = Objects.requireNonNullElse(meta.getGeneration(), 0L);
    var status = deployment.getStatus();
    int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    if (status != null && Objects.equals(status.getObservedGeneration(), generation)
        && Objects.equals(status.getUpdatedReplicas(), replicas)
        && Objects.equals(status.getAvailableReplicas(), replicas)) {
      return;
    }
    String key = meta.getNamespace() + "/" + meta.getName();
    if (Objects.equals(markedGeneration.get(key), generation)) {
      // a real Deployment controller (a cluster without nodes) put back what it sees; marking
      // again would start a tug of war
      reverted.increment();
      return;
    }
    try {
      byte[] policy = configured.get(key);
      if (policy == null) {
        // the ConfigMap's watch event has not arrived yet
        ConfigMap config = client.configMaps().inNamespace(meta.getNamespace())
            .withName(meta.getName()).get();
        if (config == null) {
          return;
        }
        policy = policyBytes(config);
      }
      // the pods serve the new bytes before the rollout is reported complete
      servedByChild.put(key, policy);
      deployment.setStatus(new DeploymentStatusBuilder()
          .withObservedGeneration(generation)
          .withReplicas(replicas)
          .withUpdatedReplicas(replicas)
          .withReadyReplicas(replicas)
          .withAvailableReplicas(replicas)
          .build());
      client.resource(deployment).updateStatus();
      markedGeneration.put(key, generation);
      writes.increment();
    } catch (KubernetesClientException e) {
      // a newer version arrived meanwhile; its own event rolls it out
      failures.increment();
    }
  }

  private static byte[] policyBytes(ConfigMap config) {
    return config.getData().get(WebServerConfig.POLICY_KEY).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public byte[] fetch(PolicyPlan plan) throws IOException {
    byte[] bytes = servedByChild.get(plan.namespace() + "/" + plan.childName());
    if (bytes == null) {
      throw new IOException("connection refused (no pod serves " + plan.childName() + ")");
    }
    return bytes.clone();
  }

  long writes() {
    return writes.sum();
  }

  long failedWrites() {
    return failures.sum();
  }

  /** Rollouts marked complete that something else marked incomplete again afterwards. */
  long reverted() {
    return reverted.sum();
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    if (configWatch != null) {
      configWatch.close();
    }
    workers.shutdownNow();
    try {
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
