package io.mtasts.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The MtaStsPolicyServer CRD users install is the one generated from the model. */
class PolicyServerCrdTest {

  private static final String FILE_NAME = MtaStsPolicyServer.CRD_NAME + "-v1.yml";

  @Test
  void committedCrdEqualsGeneratedCrd() throws IOException {
    assertThat(committed())
        .as("crds/%s must be a copy of operator/target/classes/META-INF/fabric8/%s",
            FILE_NAME, FILE_NAME)
        .isEqualTo(generated());
  }

  @Test
  void theServerIsNamespacedInThePolicyGroupWithAStatusSubresource() throws IOException {
    CustomResourceDefinition crd = load();

    assertThat(crd.getMetadata().getName()).isEqualTo("mtastspolicyservers.mtasts.io");
    assertThat(crd.getSpec().getGroup()).isEqualTo(MtaStsPolicy.GROUP);
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("MtaStsPolicyServer");
    assertThat(crd.getSpec().getVersions()).singleElement().satisfies(v -> {
      assertThat(v.getName()).isEqualTo("v1alpha1");
      assertThat(v.getSubresources().getStatus()).isNotNull();
    });
  }

  @Test
  void replicasDefaultToTwoAndAreBounded() throws IOException {
    JSONSchemaProps replicas = spec().getProperties().get("replicas");

    assertThat(replicas.getDefault().asInt()).isEqualTo(2);
    assertThat(replicas.getMinimum()).isEqualTo(1.0);
    assertThat(replicas.getMaximum()).isEqualTo((double) MtaStsPolicyServerSpec.MAX_REPLICAS);
  }

  @Test
  void theSpecHasTheSchedulingFieldsAndNamespaces() throws IOException {
    assertThat(spec().getProperties()).containsKeys("replicas", "image", "resources",
        "nodeSelector", "tolerations", "affinity", "topologySpreadConstraints", "namespaces",
        "policyNamespaces");
    assertThat(load().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("status").getProperties())
        .containsOnlyKeys("observedGeneration", "readyReplicas", "policiesReferencing",
            "policiesServed", "conditions");
  }

  private static JSONSchemaProps spec() throws IOException {
    return load().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("spec");
  }

  private static CustomResourceDefinition load() throws IOException {
    return new KubernetesSerialization().unmarshal(committed(), CustomResourceDefinition.class);
  }

  private static String committed() throws IOException {
    return Files.readString(CommittedCrd.repoRoot().resolve("crds").resolve(FILE_NAME));
  }

  private static String generated() throws IOException {
    try (InputStream in = PolicyServerCrdTest.class.getResourceAsStream(
        "/META-INF/fabric8/" + FILE_NAME)) {
      assertThat(in).as("the generated CRD on the classpath (build with Maven)").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
