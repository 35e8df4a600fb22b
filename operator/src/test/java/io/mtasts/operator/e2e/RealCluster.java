package io.mtasts.operator.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.localserver.RolloutStandIn;
import io.mtasts.operator.testing.RequiredComponent;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The real API server of the e2e suite (KUBECONFIG, as e2e/run.sh exports it): installs the
 * committed CRD, gives each test its own namespace, and plays the kubelet where a test needs a
 * rollout to complete (the control plane runs no nodes).
 */
final class RealCluster implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  final KubernetesClient admin;
  final String namespace;

  private RealCluster(KubernetesClient admin, String namespace) {
    this.admin = admin;
    this.namespace = namespace;
  }

  /** Connects, installs the CRD and creates a fresh namespace; skips without a cluster. */
  static RealCluster connect(String purpose) {
    String kubeconfig = System.getenv("KUBECONFIG");
    RequiredComponent.require(kubeconfig != null && Files.isReadable(Path.of(kubeconfig)),
        "a Kubernetes API server (KUBECONFIG; run e2e/run.sh)");
    KubernetesClient admin = new KubernetesClientBuilder().build();
    installCrd(admin);
    String ns = purpose + "-" + UUID.randomUUID().toString().substring(0, 6).toLowerCase(Locale.ROOT);
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
        .endMetadata().build()).create();
    return new RealCluster(admin, ns);
  }

  static void installCrd(KubernetesClient client) {
    installCrd(client, "mtastspolicies.mtasts.io-v1.yml");
    installCrd(client, "mtastspolicyservers.mtasts.io-v1.yml");
  }

  static void installCrd(KubernetesClient client, String file) {
    Path crd = Path.of(System.getProperty("mtasts.repoRoot", ".."), "crds", file);
    try (InputStream in = Files.newInputStream(crd)) {
      CustomResourceDefinition def = client.getKubernetesSerialization()
          .unmarshal(in, CustomResourceDefinition.class);
      client.resource(def).forceConflicts().serverSideApply();
      await().atMost(TIMEOUT).until(() -> {
        CustomResourceDefinition d = client.resource(def).get();
        return d != null && d.getStatus() != null && d.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
      });
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  MtaStsPolicy create(MtaStsPolicy policy) {
    return admin.resource(policy).inNamespace(namespace).create();
  }

  /**
   * Changes a policy the way a client must now that the operator writes the resource too (its
   * retirement label and finalizer): read, change, write, again on a conflict.
   */
  MtaStsPolicy update(String name, java.util.function.Consumer<MtaStsPolicy> change) {
    for (int attempt = 1; ; attempt++) {
      MtaStsPolicy current = get(name);
      change.accept(current);
      try {
        return admin.resource(current).update();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  MtaStsPolicy get(String name) {
    return admin.resources(MtaStsPolicy.class).inNamespace(namespace).withName(name).get();
  }

  MtaStsPolicy awaitPolicy(String name, Predicate<MtaStsPolicy> condition) {
    return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> get(name), p -> p != null && condition.test(p));
  }

  <T extends HasMetadata> T child(Class<T> kind, String name) {
    return admin.resources(kind).inNamespace(namespace).withName(name).get();
  }

  <T extends HasMetadata> T awaitChild(Class<T> kind, String name, Predicate<T> condition) {
    return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> child(kind, name), c -> c != null && condition.test(c));
  }

  /** Plays the Deployment controller and kubelet: the current template is rolled out. */
  void markRolledOut(String name) {
    RolloutStandIn.markRolledOut(admin, awaitChild(Deployment.class, name, x -> true));
  }

  @Override
  public void close() {
    removeNamespace(namespace);
    admin.close();
  }

  /**
   * Deletes a namespace of the test and waits until its policies are gone. The operator may still
   * run, or have put the retirement finalizer on a policy just before it stopped: a policy that
   * retires (or is held while its namespace goes) would keep the namespace, and its claim on the
   * domain, for its max_age, and with it the CRD of any later test that deletes it. Once the
   * namespace terminates no finalizer can be added, so strip them until the policies are gone.
   */
  public void removeNamespace(String namespace) {
    admin.namespaces().withName(namespace).delete();
    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
      java.util.List<MtaStsPolicy> left;
      try {
        left = admin.resources(MtaStsPolicy.class).inNamespace(namespace).list().getItems();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        // a test that removed the CRD: no policy is left
        return true;
      }
      for (MtaStsPolicy p : left) {
        if (p.getMetadata().getFinalizers() != null && !p.getMetadata().getFinalizers().isEmpty()) {
          try {
            admin.resource(p).inNamespace(namespace).edit(x -> {
              x.getMetadata().setFinalizers(null);
              return x;
            });
          } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            // changed or deleted meanwhile: the next round looks again
          }
        }
      }
      return left.isEmpty();
    });
  }
}
