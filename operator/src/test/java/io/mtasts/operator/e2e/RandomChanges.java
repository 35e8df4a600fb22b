package io.mtasts.operator.e2e;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The changes users make while a fault happens, for the leader and soak runs: create an absent
 * policy, change the mx of one, or delete (retire) one, chosen from a seeded random source so a
 * run can be repeated. Each change is reported to the observer, which times its convergence.
 */
final class RandomChanges {

  private final RealCluster cluster;
  private final FaultObserver observer;
  private final Random random;
  private final int policies;
  private int made;

  RandomChanges(RealCluster cluster, FaultObserver observer, Random random, int policies) {
    this.cluster = cluster;
    this.observer = observer;
    this.random = random;
    this.policies = policies;
  }

  List<String> names() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < policies; i++) {
      names.add("p" + i);
    }
    return names;
  }

  int made() {
    return made;
  }

  static MtaStsPolicy policy(RealCluster cluster, String name, int variant) {
    String yaml = """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: %s
        spec:
          domain: %s.faults.example
          mode: testing
          mx: [mx%d.faults.example]
          maxAge: 5
          tls: {secretName: %s-tls}
        """.formatted(name, name, variant, name);
    return cluster.admin.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }

  /** Creates every policy that does not exist yet. */
  void createAll() {
    for (String name : names()) {
      try {
        if (cluster.get(name) == null) {
          observer.changed(name, cluster.create(policy(cluster, name, random.nextInt(1000))),
              "create");
          made++;
        }
      } catch (KubernetesClientException e) {
        // on a loaded API server the client retries a POST that did arrive: AlreadyExists
        if (e.getCode() != 409) {
          throw e;
        }
        MtaStsPolicy created = cluster.get(name);
        if (created != null) {
          observer.changed(name, created, "create");
          made++;
        }
      }
    }
  }

  /** One change; deletes are rarer than updates, so most policies exist at any moment. */
  void one() {
    String name = "p" + random.nextInt(policies);
    int roll = random.nextInt(10);
    try {
      MtaStsPolicy current = cluster.get(name);
      if (current == null) {
        observer.changed(name, cluster.create(policy(cluster, name, random.nextInt(1000))),
            "create");
      } else if (current.isMarkedForDeletion() || current.getSpec() == null) {
        return;
      } else if (roll < 8) {
        current.getSpec().setMx(policy(cluster, name, random.nextInt(1000)).getSpec().getMx());
        observer.changed(name, cluster.admin.resource(current).update(), "update");
      } else {
        cluster.admin.resource(current).delete();
        observer.changed(name, current, "delete");
      }
      made++;
    } catch (KubernetesClientException e) {
      // a conflict with the operator's own write (finalizer, labels): a later change tries again
    }
  }
}
