package io.mtasts.operator.reconciler.server;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import java.util.List;
import java.util.Map;

/**
 * Counts the policies a shared server serves: those whose {@code status.shared.server} names it as
 * {@code <namespace>/<name>}. The operator writes that field when it hands a policy's validated
 * bytes to a shared server; policies are read as generic objects, so that the count depends on
 * that one path only.
 *
 * <p>One list per count, served from the API server's watch cache ({@code resourceVersion=0}),
 * in the namespaces the server may read.
 */
final class ServedPolicyCount {

  /** Where a policy's status names the shared server serving it. */
  static final List<String> SERVER_PATH = List.of("status", "shared", "server");

  private static final ResourceDefinitionContext POLICIES = new ResourceDefinitionContext.Builder()
      .withGroup(MtaStsPolicy.GROUP)
      .withVersion(MtaStsPolicy.VERSION)
      .withPlural(MtaStsPolicy.PLURAL)
      .withKind("MtaStsPolicy")
      .withNamespaced(true)
      .build();

  private final KubernetesClient client;

  ServedPolicyCount(KubernetesClient client) {
    this.client = client;
  }

  int count(MtaStsPolicyServer server) {
    String self = server.getMetadata().getNamespace() + "/" + server.getMetadata().getName();
    var options = new ListOptionsBuilder().withResourceVersion("0").build();
    List<String> namespaces = server.getSpec().getNamespaces();
    var policies = client.genericKubernetesResources(POLICIES);
    if (namespaces == null || namespaces.isEmpty()) {
      return count(policies.inAnyNamespace().list(options).getItems(), self);
    }
    int total = 0;
    for (String namespace : namespaces.stream().distinct().toList()) {
      total += count(policies.inNamespace(namespace).list(options).getItems(), self);
    }
    return total;
  }

  private static int count(List<GenericKubernetesResource> policies, String self) {
    int n = 0;
    for (GenericKubernetesResource policy : policies) {
      if (self.equals(servedBy(policy))) {
        n++;
      }
    }
    return n;
  }

  /** The {@code <namespace>/<name>} of the server named in the policy's status, or null. */
  static Object servedBy(GenericKubernetesResource policy) {
    Object node = policy.getAdditionalProperties();
    for (String key : SERVER_PATH) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(key);
    }
    return node;
  }
}
