package io.mtasts.operator.localserver;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Plays the Deployment controller and the kubelet where there are none (the in-process API server,
 * or a control plane without nodes): it writes a Deployment's status as the controller does once
 * every replica of the current template is updated, ready and available.
 *
 * <p>Either once, for one Deployment ({@link #markRolledOut}), or for every Deployment with given
 * labels in a namespace as it appears or changes ({@link #watch}). The watching form writes through
 * the client it is given, so a caller counting another client's requests can tell them apart, and
 * counts its own writes.
 */
public final class RolloutStandIn implements AutoCloseable {

  /** What the pods of a Deployment do before its rollout is reported complete. */
  @FunctionalInterface
  public interface Pods {
    /**
     * Starts serving what {@code deployment} now runs, such as the policy its ConfigMap holds.
     * Returns false when the pods cannot start yet; the rollout is then left incomplete until the
     * Deployment's next change.
     */
    boolean start(Deployment deployment);
  }

  private final KubernetesClient client;
  private final Pods pods;
  private final ExecutorService workers;
  private final LongAdder writes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder reverted = new LongAdder();
  private final Map<String, Long> markedGeneration = new ConcurrentHashMap<>();
  private final Watch watch;

  private RolloutStandIn(KubernetesClient client, String namespace, Map<String, String> labels,
      Pods pods) {
    this.client = client;
    this.pods = pods;
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "rollout-stand-in-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.watch = client.apps().deployments().inNamespace(namespace).withLabels(labels)
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
  }

  /**
   * Rolls out every Deployment in {@code namespace} carrying {@code labels} when it appears or
   * changes: first {@code pods} start, then the status says the rollout is complete.
   */
  public static RolloutStandIn watch(KubernetesClient client, String namespace,
      Map<String, String> labels, Pods pods) {
    return new RolloutStandIn(client, namespace, labels, pods);
  }

  /**
   * Writes the status the Deployment controller writes when the current template (the
   * Deployment's generation) runs on all its replicas, and returns the Deployment as written.
   */
  public static Deployment markRolledOut(KubernetesClient client, Deployment deployment) {
    int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    deployment.setStatus(new DeploymentStatusBuilder()
        .withObservedGeneration(
            Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 0L))
        .withReplicas(replicas)
        .withUpdatedReplicas(replicas)
        .withReadyReplicas(replicas)
        .withAvailableReplicas(replicas)
        .build());
    return client.resource(deployment).updateStatus();
  }

  /**
   * Writes the EndpointSlice the EndpointSlice controller writes for {@code service} once the
   * pods of {@code deployment} are ready: one ready endpoint per address in {@code addresses},
   * each Service port with its target port resolved against the pod template (a named target
   * port is looked up among the containers' ports). The slice carries the Service's labels, as
   * the controller copies them, and a managed-by label of its own, so a real EndpointSlice
   * controller leaves it alone. An empty {@code addresses} removes the endpoints.
   */
  public static EndpointSlice publishEndpoints(KubernetesClient client, Service service,
      Deployment deployment, List<String> addresses) {
    List<EndpointPort> ports = new ArrayList<>();
    for (ServicePort p : service.getSpec().getPorts()) {
      ports.add(new EndpointPortBuilder().withName(p.getName()).withProtocol(p.getProtocol())
          .withPort(targetPort(p, deployment)).build());
    }
    Map<String, String> labels = new HashMap<>(
        Objects.requireNonNullElse(service.getMetadata().getLabels(), Map.of()));
    labels.put("kubernetes.io/service-name", service.getMetadata().getName());
    labels.put("endpointslice.kubernetes.io/managed-by", "rollout-stand-in.mtasts.io");
    String family = addresses.stream().anyMatch(a -> a.contains(":")) ? "IPv6" : "IPv4";
    EndpointSlice slice = new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(service.getMetadata().getName() + "-stand-in")
        .withNamespace(service.getMetadata().getNamespace())
        .withLabels(labels)
        .endMetadata()
        .withAddressType(family)
        .withPorts(ports)
        .withEndpoints(addresses.stream().map(a -> new EndpointBuilder()
            .withAddresses(a)
            .withNewConditions().withReady(true).withServing(true).withTerminating(false)
            .endConditions()
            .build()).toList())
        .build();
    return client.resource(slice).createOr(NonDeletingOperation::update);
  }

  private static Integer targetPort(ServicePort port, Deployment deployment) {
    IntOrString target = port.getTargetPort();
    if (target == null) {
      return port.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal();
    }
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .flatMap(c -> Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of()).stream())
        .filter(c -> target.getStrVal().equals(c.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no container port named "
            + target.getStrVal() + " in Deployment " + deployment.getMetadata().getName()));
  }

  /** Whether the status reports the current template updated and available on every replica. */
  public static boolean isRolledOut(Deployment deployment) {
    var status = deployment.getStatus();
    int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    long generation = Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 0L);
    return status != null && Objects.equals(status.getObservedGeneration(), generation)
        && Objects.equals(status.getUpdatedReplicas(), replicas)
        && Objects.equals(status.getAvailableReplicas(), replicas);
  }

  private void rollOut(Deployment deployment) {
    if (isRolledOut(deployment)) {
      return;
    }
    var meta = deployment.getMetadata();
    String key = meta.getNamespace() + "/" + meta.getName();
    long generation = Objects.requireNonNullElse(meta.getGeneration(), 0L);
    if (Objects.equals(markedGeneration.get(key), generation)) {
      // a real Deployment controller (a cluster without nodes) put back what it sees; marking
      // again would start a tug of war
      reverted.increment();
      return;
    }
    try {
      if (!pods.start(deployment)) {
        return;
      }
      publishStandInEndpoints(deployment);
      markRolledOut(client, deployment);
      markedGeneration.put(key, generation);
      writes.increment();
    } catch (KubernetesClientException e) {
      // a newer version arrived meanwhile; its own event rolls it out
      failures.increment();
    }
  }

  /**
   * The pods' endpoints for the Service named like the Deployment, when there is one within 5
   * seconds: one
   * documentation address (192.0.2.0/24, never routed) per replica, as nothing is contacted at
   * them in the worlds this form serves.
   */
  private void publishStandInEndpoints(Deployment deployment) {
    var meta = deployment.getMetadata();
    // the operator writes the Service alongside the Deployment; give it a moment to appear
    Service service = null;
    for (int attempt = 0; service == null && attempt < 50; attempt++) {
      service = client.services().inNamespace(meta.getNamespace()).withName(meta.getName()).get();
      if (service == null) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    if (service == null) {
      return;
    }
    int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    List<String> addresses = new ArrayList<>();
    for (int i = 1; i <= replicas; i++) {
      addresses.add("192.0.2." + i);
    }
    publishEndpoints(client, service, deployment, addresses);
  }

  /** Status updates written so far. */
  public long writes() {
    return writes.sum();
  }

  /** Status updates the API server refused, each superseded by a newer version. */
  public long failedWrites() {
    return failures.sum();
  }

  /** Rollouts marked complete that something else marked incomplete again afterwards. */
  public long reverted() {
    return reverted.sum();
  }

  @Override
  public void close() {
    watch.close();
    workers.shutdownNow();
    try {
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
