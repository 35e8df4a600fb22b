package io.mtasts.operator.localserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stand-in writes the status the Deployment controller would, and only where asked. */
class RolloutStandInTest {

  private static final String NAMESPACE = "web";
  private static final Map<String, String> LABELS = Map.of("app", "policy");

  private final LocalApiServer api = new LocalApiServer();
  private final KubernetesClient client = api.newClient();

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  @Test
  void markRolledOutReportsTheCurrentGenerationOnEveryReplica() {
    Deployment created = client.resource(deployment("one", LABELS, 3)).create();
    assertThat(RolloutStandIn.isRolledOut(created)).isFalse();

    RolloutStandIn.markRolledOut(client, created);

    Deployment read = get("one");
    assertThat(read.getStatus().getObservedGeneration())
        .isEqualTo(Objects.requireNonNullElse(read.getMetadata().getGeneration(), 0L));
    assertThat(read.getStatus().getReplicas()).isEqualTo(3);
    assertThat(read.getStatus().getUpdatedReplicas()).isEqualTo(3);
    assertThat(read.getStatus().getReadyReplicas()).isEqualTo(3);
    assertThat(read.getStatus().getAvailableReplicas()).isEqualTo(3);
    assertThat(RolloutStandIn.isRolledOut(read)).isTrue();
  }

  @Test
  void watchingRollsOutMatchingDeploymentsAfterTheirPodsStart() throws Exception {
    List<String> started = new CopyOnWriteArrayList<>();
    try (RolloutStandIn standIn = RolloutStandIn.watch(client, NAMESPACE, LABELS,
        d -> started.add(d.getMetadata().getName()))) {
      client.resource(deployment("matching", LABELS, 2)).create();
      client.resource(deployment("other", Map.of("app", "else"), 2)).create();

      Deployment rolledOut = await("matching", RolloutStandIn::isRolledOut);

      assertThat(rolledOut.getStatus().getAvailableReplicas()).isEqualTo(2);
      assertThat(started).containsExactly("matching");
      // the stand-in counts a write once the API server has answered it, a moment after the
      // write is visible to others
      Instant counted = Instant.now().plus(Duration.ofSeconds(10));
      while (standIn.writes() == 0 && Instant.now().isBefore(counted)) {
        Thread.sleep(20);
      }
      assertThat(standIn.writes()).isEqualTo(1);
      assertThat(get("other").getStatus()).isNull();
    }
  }

  @Test
  void podsThatCannotStartLeaveTheRolloutIncomplete() throws Exception {
    try (RolloutStandIn standIn = RolloutStandIn.watch(client, NAMESPACE, LABELS, d -> false)) {
      client.resource(deployment("waiting", LABELS, 1)).create();
      Thread.sleep(500);

      assertThat(RolloutStandIn.isRolledOut(get("waiting"))).isFalse();
      assertThat(standIn.writes()).isZero();
    }
  }

  private Deployment get(String name) {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
  }

  private Deployment await(String name, Predicate<Deployment> condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      Deployment d = get(name);
      if (d != null && condition.test(d)) {
        return d;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(name + " did not reach the expected state: " + get(name));
  }

  private static Deployment deployment(String name, Map<String, String> labels, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).withLabels(labels).endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate()
        .withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
