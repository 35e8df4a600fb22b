package io.mtasts.operator.reconciler.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import io.mtasts.operator.localserver.LocalApiServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** status.policiesServed counts the policies whose status names the server, where it reads. */
class ServedPolicyCountTest {

  private LocalApiServer api;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    api = new LocalApiServer();
    client = api.newClient();
    api.installPolicyCrd(client);
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  private void policy(String namespace, String name, String servedBy) {
    GenericKubernetesResource p = new GenericKubernetesResourceBuilder()
        .withApiVersion("mtasts.io/v1alpha1").withKind("MtaStsPolicy")
        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .build();
    p.setAdditionalProperty("spec", Map.of("domain", name + ".example"));
    GenericKubernetesResource created = client.resource(p).create();
    if (servedBy != null) {
      // status is a subresource: a create drops it
      created.setAdditionalProperty("status", Map.of("shared", Map.of("server", servedBy)));
      client.resource(created).updateStatus();
    }
  }

  private static MtaStsPolicyServer server(List<String> namespaces) {
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    spec.setNamespaces(namespaces);
    return new MtaStsPolicyServer("hosting", "shared", spec);
  }

  @Test
  void onlyPoliciesNamingThisServerCountAndOnlyWhereItReads() {
    policy("mail-a", "a1", "hosting/shared");
    policy("mail-a", "a2", "hosting/shared");
    policy("mail-a", "a3", "hosting/other");
    policy("mail-a", "a4", null);
    policy("mail-b", "b1", "hosting/shared");
    policy("mail-c", "c1", "elsewhere/shared");

    ServedPolicyCount count = new ServedPolicyCount(client);

    assertThat(count.count(server(null))).isEqualTo(3);
    assertThat(count.count(server(List.of("mail-a")))).isEqualTo(2);
    assertThat(count.count(server(List.of("mail-b", "mail-c")))).isEqualTo(1);
  }
}
